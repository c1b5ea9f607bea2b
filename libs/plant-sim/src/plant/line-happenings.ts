import type { MaintenanceRecord, PlantNote } from '../readings';
import type { ProcessEvent } from './machine-process';
import type { MachineIds } from './plant-layout';

/**
 * What happened on the line since the last sample, from the machines' process events: parts
 * made (for the throughput), tool changes as maintenance records, breakdowns and repairs as
 * notes; and which machines broke and were repaired (a repair ends a tool-wear fault).
 */
export class LineHappenings {
  /** Plant seconds at which parts were finished, oldest first. */
  readonly partsDone: number[] = [];
  private readonly broken = new Set<string>();
  /** Machines repaired after a breakdown. */
  readonly repaired = new Set<string>();
  private maintenance: MaintenanceRecord[] = [];
  private notes: PlantNote[] = [];

  constructor(private readonly startMs: number) {}

  note(note: PlantNote): void {
    this.notes.push(note);
  }

  /** The maintenance and notes since the last call. */
  take(): { maintenance: MaintenanceRecord[]; notes: PlantNote[] } {
    const taken = { maintenance: this.maintenance, notes: this.notes };
    this.maintenance = [];
    this.notes = [];
    return taken;
  }

  /** Forgets parts finished at or before `cutoff` (out of the throughput window). */
  dropPartsUpTo(cutoff: number): void {
    while (this.partsDone.length > 0 && this.partsDone[0]! <= cutoff) this.partsDone.shift();
  }

  record(ids: MachineIds, event: ProcessEvent): void {
    const at = new Date(this.startMs + event.atS * 1000).toISOString();
    switch (event.kind) {
      case 'part-done':
        this.partsDone.push(event.atS);
        return;
      case 'tool-broke':
        this.broken.add(ids.machine);
        this.notes.push({
          at,
          twinId: ids.tool,
          message: `tool broke at wear ${event.wear.toFixed(2)}; ${ids.machine} stopped for repair`,
        });
        return;
      case 'tool-changed': {
        // A tool-wear fault ends with the repair: the new tool is watched again.
        if (event.afterBreak && this.broken.delete(ids.machine)) this.repaired.add(ids.machine);
        const notes = event.afterBreak
          ? `broken tool replaced (worn to ${event.wornTo.toFixed(2)})`
          : `planned tool change at wear ${event.wornTo.toFixed(2)}`;
        this.maintenance.push(
          {
            twinId: ids.tool,
            kind: 'tool-replaced',
            performedAt: at,
            resets: ['tool_wear'],
            notes,
          },
          {
            twinId: ids.machine,
            kind: 'tool-replaced',
            performedAt: at,
            resets: ['tool_wear'],
            componentId: ids.tool,
            notes,
          },
        );
        if (event.afterBreak)
          this.notes.push({ at, twinId: ids.machine, message: `${notes}; running again` });
        return;
      }
      default: {
        const unknown: never = event;
        throw new Error(`unknown process event ${JSON.stringify(unknown)}`);
      }
    }
  }
}
