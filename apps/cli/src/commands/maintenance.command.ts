import { CliError, getJson, option } from './api-client';

interface Prediction {
  healthIndex: number;
  rulHours: number;
  rulLowHours: number;
  rulHighHours: number;
  basis: string;
  priority: string;
  window: { from: string; to: string };
  maintenanceType?: string;
  action?: string;
  downtimeHours?: number;
  beyondHorizon?: boolean;
  predictedAt: string;
}

export const MAINTENANCE_USAGE = `  twinlog maintenance ID [--json]
                                a component's health index, remaining useful life (P10-P50-P90) and the
                                recommended maintenance (type, priority, window, downtime)`;

/** `twinlog maintenance ID`: the maintenance service's current prediction for a twin. */
export async function maintenanceCommand(
  base: string,
  args: string[],
  out: (line: string) => void,
): Promise<number> {
  const twinId = args.find((a) => !a.startsWith('--'));
  if (!twinId) throw new CliError('which twin? usage: twinlog maintenance ID');
  const answer = await getJson<{ twinId: string; prediction: Prediction | null }>(
    base,
    `/v1/twins/${encodeURIComponent(twinId)}/maintenance`,
  );
  if (option(args, 'json')) {
    out(JSON.stringify(answer, null, 2));
    return 0;
  }
  const p = answer.prediction;
  if (!p) {
    out(
      `${twinId}: no prediction yet (the maintenance service needs some history of the twin first).`,
    );
    return 0;
  }
  out(`${twinId}: health ${p.healthIndex.toFixed(0)}/100, driven by ${p.basis}`);
  out(
    p.beyondHorizon
      ? `  remaining useful life beyond the ${hours(p.rulHours)} horizon (no degradation trend to extrapolate yet)`
      : `  remaining useful life ${hours(p.rulHours)} (P10 ${hours(p.rulLowHours)}, P90 ${hours(p.rulHighHours)})`,
  );
  out(
    `  recommended: ${p.maintenanceType ?? 'maintenance'}${p.action ? ` (${p.action})` : ''}, priority ${p.priority}, between ${p.window.from} and ${p.window.to}${p.downtimeHours !== undefined ? `, about ${hours(p.downtimeHours)} down` : ''}`,
  );
  out(`  as of ${p.predictedAt}`);
  return 0;
}

function hours(h: number): string {
  if (h < 1) return `${Math.round(h * 60)} min`;
  if (h < 48) return `${h.toFixed(1)} h`;
  return `${(h / 24).toFixed(1)} days`;
}
