/**
 * Where the plant simulator resumes after a restart: just after the newest reading the first
 * machine already reported, so a restarted demo continues the plant's history instead of
 * replaying the last hour into it. Undefined on a fresh data directory.
 */
export async function resumePoint(
  twinStateUrl: string,
  apiKey: string | undefined,
  twinId = 'cnc-01',
): Promise<number | undefined> {
  const answer = await fetch(`${twinStateUrl}/v1/twins/${encodeURIComponent(twinId)}`, {
    headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
  });
  if (answer.status === 404) return undefined;
  if (!answer.ok) throw new Error(`twin-state answered ${answer.status} for ${twinId}`);
  const twin = (await answer.json()) as { reported?: Record<string, { occurredAt: string }> };
  const times = Object.values(twin.reported ?? {}).map((r) => Date.parse(r.occurredAt));
  return times.length > 0 ? Math.max(...times) + 1_000 : undefined;
}
