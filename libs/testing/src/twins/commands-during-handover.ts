import { randomUUID } from 'node:crypto';

/** What became of one command sent while twin-state replicas handed partitions over. */
export interface CommandOutcome {
  twinId: string;
  correlationId: string;
  status: number;
  code?: string;
}

/** What the outcomes add up to, checked against the audit trail. */
export interface HandoverTally {
  sent: number;
  applied: number;
  refused: number;
  /** Answers that are neither applied (200/201) nor PARTITION_MOVING: must be none. */
  unexpected: CommandOutcome[];
  /** Commands whose count in the audit trail is not 1 (applied) or 0 (refused): must be none. */
  miscounted: Array<{ correlationId: string; expected: number; found: number }>;
}

/**
 * Sends maintenance records, one after another, through the given twin-state URLs in turn
 * until `during` resolves, then checks every outcome against the twins' audit trails (read
 * through `readUrl`): an applied command is in its twin's trail exactly once, a refused one
 * (503 PARTITION_MOVING) not at all. The issue 25 promise: never applied twice, never lost.
 */
export async function commandsDuringHandover(
  through: string[],
  twinIds: string[],
  performedAt: string,
  during: () => Promise<void>,
  readUrl: string,
): Promise<HandoverTally> {
  const outcomes: CommandOutcome[] = [];
  let sending = true;
  const sender = (async () => {
    for (let n = 0; sending; n += 1) {
      const twinId = twinIds[n % twinIds.length]!;
      const correlationId = `cmd-${n}-${randomUUID().slice(0, 8)}`;
      const answer = await fetch(`${through[n % through.length]}/v1/twins/${twinId}/maintenance`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId },
        body: JSON.stringify({ kind: 'inspection', performedAt, notes: `round ${n}` }),
      }).catch(() => undefined);
      const body = (await answer?.json().catch(() => undefined)) as
        { error?: { code?: string } } | undefined;
      outcomes.push({
        twinId,
        correlationId,
        status: answer?.status ?? 0,
        ...(body?.error?.code ? { code: body.error.code } : {}),
      });
    }
  })();
  try {
    await during();
  } finally {
    sending = false;
    await sender;
  }
  const found = new Map<string, number>();
  for (const twinId of twinIds) {
    const trail = await fetch(
      `${readUrl}/v1/twins/${twinId}/events?types=MaintenancePerformed&limit=1000`,
    );
    if (trail.status !== 200) throw new Error(`the audit trail of ${twinId}: ${trail.status}`);
    const { events } = (await trail.json()) as { events: Array<{ correlationId: string }> };
    for (const e of events) found.set(e.correlationId, (found.get(e.correlationId) ?? 0) + 1);
  }
  const refused = outcomes.filter((o) => o.code === 'PARTITION_MOVING');
  const applied = outcomes.filter((o) => o.status === 200 || o.status === 201);
  return {
    sent: outcomes.length,
    applied: applied.length,
    refused: refused.length,
    unexpected: outcomes.filter((o) => !applied.includes(o) && !refused.includes(o)),
    miscounted: outcomes.flatMap((o) => {
      const expected = applied.includes(o) ? 1 : 0;
      const count = found.get(o.correlationId) ?? 0;
      return count === expected ? [] : [{ correlationId: o.correlationId, expected, found: count }];
    }),
  };
}
