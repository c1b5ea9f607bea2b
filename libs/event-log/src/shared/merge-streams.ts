import type { EventEnvelope } from '@twinlog/domain';

/**
 * Merges per-stream event lists (each already in log order) by record time. Order within a
 * stream is never changed, even if producers' clocks disagree, because folding relies on it.
 */
export function mergeByRecordTime(streams: EventEnvelope[][]): EventEnvelope[] {
  const cursors = streams.map(() => 0);
  const merged: EventEnvelope[] = [];
  for (;;) {
    let pick = -1;
    for (let s = 0; s < streams.length; s++) {
      const candidate = streams[s]![cursors[s]!];
      if (!candidate) continue;
      const best = pick >= 0 ? streams[pick]![cursors[pick]!] : undefined;
      if (!best || Date.parse(candidate.recordedAt) < Date.parse(best.recordedAt)) pick = s;
    }
    if (pick < 0) return merged;
    merged.push(streams[pick]![cursors[pick]!]!);
    cursors[pick]! += 1;
  }
}
