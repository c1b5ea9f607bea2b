import { PlantSimError } from '../errors';

/** The twin types of the seed models (libs/domain/models) that make up a plant. */
export const PLANT_TWIN_TYPES = {
  process: 'machining-process',
  line: 'production-line',
  machine: 'cnc-milling-machine',
  spindle: 'spindle-motor',
  tool: 'cutting-tool',
  coolant: 'coolant-pump',
} as const;

export interface MachineIds {
  machine: string;
  spindle: string;
  tool: string;
  coolant: string;
}

export interface PlantLayout {
  site: string;
  /** The machining process, the top of the tree: its figures are derived, never reported. */
  processId: string;
  lineId: string;
  machines: MachineIds[];
}

/** A twin-state `POST /v1/twins` body. */
export interface TwinRegistration {
  twinId: string;
  twinType: string;
  parentId?: string;
  site: string;
  name: string;
  commissionedAt: string;
}

export const MAX_MACHINES = 999;

/**
 * A line of N CNC machines, each with its spindle motor, cutting tool and coolant pump. Ids are
 * deterministic (`line-1`, `cnc-01`, `cnc-01-spindle`, ...) so a second run feeds the same twins.
 */
export function plantLayout(machines: number, site = 'demo-plant', line = 1): PlantLayout {
  if (!Number.isInteger(machines) || machines < 1 || machines > MAX_MACHINES) {
    throw new PlantSimError(
      'OPTIONS_INVALID',
      `machines must be a whole number from 1 to ${MAX_MACHINES}, got ${machines}`,
    );
  }
  const width = Math.max(2, String(machines).length);
  return {
    site,
    processId: `machining-${line}`,
    lineId: `line-${line}`,
    machines: Array.from({ length: machines }, (_, i) => {
      const machine = `cnc-${String(i + 1).padStart(width, '0')}`;
      return {
        machine,
        spindle: `${machine}-spindle`,
        tool: `${machine}-tool`,
        coolant: `${machine}-coolant`,
      };
    }),
  };
}

/** Registrations parent first (the process, its line, the machines and their parts) (a child needs its parent registered), all commissioned at once. */
export function plantRegistrations(
  layout: PlantLayout,
  commissionedAt: string,
): TwinRegistration[] {
  const { site } = layout;
  const registrations: TwinRegistration[] = [
    {
      twinId: layout.processId,
      twinType: PLANT_TWIN_TYPES.process,
      site,
      name: `Machining process ${layout.processId.replace('machining-', '')}`,
      commissionedAt,
    },
    {
      twinId: layout.lineId,
      twinType: PLANT_TWIN_TYPES.line,
      parentId: layout.processId,
      site,
      name: `Production line ${layout.lineId.replace('line-', '')}`,
      commissionedAt,
    },
  ];
  for (const ids of layout.machines) {
    const label = ids.machine.toUpperCase();
    registrations.push(
      {
        twinId: ids.machine,
        twinType: PLANT_TWIN_TYPES.machine,
        parentId: layout.lineId,
        site,
        name: `${label} milling machine`,
        commissionedAt,
      },
      ...(
        [
          ['spindle', PLANT_TWIN_TYPES.spindle, 'spindle motor'],
          ['tool', PLANT_TWIN_TYPES.tool, 'cutting tool'],
          ['coolant', PLANT_TWIN_TYPES.coolant, 'coolant pump'],
        ] as const
      ).map(([part, twinType, what]) => ({
        twinId: ids[part],
        twinType,
        parentId: ids.machine,
        site,
        name: `${label} ${what}`,
        commissionedAt,
      })),
    );
  }
  return registrations;
}
