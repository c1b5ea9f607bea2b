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
  /** Answers that are neither applied (200/201) nor refused (503 PARTITION_MOVING or NOT_READY): must be none. */
  unexpected: CommandOutcome[];
  /** Commands whose count in the audit trail is not 1 (applied) or 0 (refused): must be none. */
  miscounted: Array<{ correlationId: string; expected: number; found: number }>;
}

/**
 * Sends maintenance records, one after another, through the given twin-state URLs in turn
 * until `during` resolves, each with an Idempotency-Key and sent again with it after a 502
 * (outcome unknown), then checks every outcome against the twins' audit trails (read
 * through `readUrl`): an applied command is in its twin's trail exactly once, a refused one
 * (503 PARTITION_MOVING, or NOT_READY from an owner still starting) not at all. The issue 25 promise: never applied twice, never lost.
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
      const send = async () => {
        const answer = await fetch(
          `${through[n % through.length]}/v1/twins/${twinId}/maintenance`,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-correlation-id': correlationId,
              // What a careful client sends: the same key on a retry after an unknown outcome.
              'idempotency-key': correlationId,
            },
            body: JSON.stringify({ kind: 'inspection', performedAt, notes: `round ${n}` }),
          },
        ).catch(() => undefined);
        const body = (await answer?.json().catch(() => undefined)) as
          { error?: { code?: string } } | undefined;
        return { status: answer?.status ?? 0, code: body?.error?.code };
      };
      let outcome = await send();
      // 502: the owner went silent after the command reached it (killed or stopped
      // mid-request), so it may or may not be applied: sent again with the same key until an
      // answer settles it (a 503 to a retry says only that the retry was not applied).
      if (outcome.status === 502)
        for (let retry = 0; [502, 503].includes(outcome.status) && retry < 40; retry += 1) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          outcome = await send();
        }
      outcomes.push({
        twinId,
        correlationId,
        status: outcome.status,
        ...(outcome.code ? { code: outcome.code } : {}),
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
  // Both say "not applied, send it again": a partition moving, or its new owner still starting.
  const refused = outcomes.filter(
    (o) => o.status === 503 && (o.code === 'PARTITION_MOVING' || o.code === 'NOT_READY'),
  );
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
