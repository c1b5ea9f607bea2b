import type { EventEnvelope } from '@twinlog/domain';

/** What a worker decided, as comparable text: everything but when and where it was recorded. */
export interface Finding {
  id: string;
  type: string;
  /** The event without recordedAt and revision (a log position), as canonical JSON. */
  text: string;
}

export function findingOf(event: EventEnvelope): Finding {
  const { recordedAt: _recordedAt, revision: _revision, ...rest } = event;
  return { id: event.id, type: event.type, text: canonical(rest) };
}

/** Lines naming each event only one side has, or that the two sides recorded differently. */
export function findingsDiffer(a: readonly Finding[], b: readonly Finding[]): string[] {
  const byId = (list: readonly Finding[]) => new Map(list.map((f) => [f.id, f]));
  const left = byId(a);
  const right = byId(b);
  const lines: string[] = [];
  for (const [id, f] of left) {
    const other = right.get(id);
    if (!other) lines.push(`only from one worker: ${f.type} ${id}`);
    else if (other.text !== f.text) lines.push(`recorded differently: ${f.type} ${id}`);
  }
  for (const [id, f] of right)
    if (!left.has(id)) lines.push(`only from two workers: ${f.type} ${id}`);
  // The same id appended twice on one side is a duplicate finding.
  for (const [side, list, map] of [
    ['one worker', a, left],
    ['two workers', b, right],
  ] as const)
    if (list.length !== map.size)
      lines.push(`${side}: ${list.length - map.size} events appended twice`);
  return lines;
}

/** JSON with object keys sorted, so that two equal events print the same. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
