/**
 * Registers a twin through twin-state's HTTP API (a running service under test, a benchmark's
 * system), failing with the status when it is not 201 Created.
 */
export async function registerTwinOverHttp(
  url: string,
  twin: { twinId: string; twinType: string; commissionedAt: string; site?: string },
): Promise<void> {
  const answer = await fetch(`${url}/v1/twins`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(twin),
  });
  if (answer.status !== 201) throw new Error(`registering ${twin.twinId}: HTTP ${answer.status}`);
}
