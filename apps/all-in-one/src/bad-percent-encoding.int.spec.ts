import { startInProcessTwinlog, type InProcessTwinlog } from './testing/in-process-twinlog';

// A path or query with a broken percent-encoding is a question nobody can read: 400 with a
// documented code naming where it is, never HTTP_400 or an empty 200.
jest.setTimeout(300_000);

let t: InProcessTwinlog;
beforeAll(async () => {
  t = await startInProcessTwinlog();
});
afterAll(async () => t?.close());

async function get(path: string) {
  const response = await fetch(`${t.url}${path}`);
  const json = (await response.json()) as {
    error?: { code: string; details: Record<string, unknown> };
  };
  return { status: response.status, error: json.error };
}

it.each([
  ['/v1/twins/%E0%A4%A', 'twin-state'],
  ['/v1/twins/%zz/maintenance', 'maintenance'],
  ['/v1/dead-letters/%E0%A4%A', 'ingestion'],
])('answers 400 PATH_INVALID for %s (%s)', async (path) => {
  const { status, error } = await get(path);
  expect(status).toBe(400);
  expect(error?.code).toBe('PATH_INVALID');
});

it.each([
  ['/v1/twins?site=%E0%A4%A', 'site'],
  ['/v1/twins?twinType=%zz', 'twinType'],
  ['/v1/dead-letters?code=%E0%A4%A', 'code'],
])('answers 400 QUERY_INVALID naming the parameter for %s', async (path, parameter) => {
  const { status, error } = await get(path);
  expect(status).toBe(400);
  expect(error).toMatchObject({ code: 'QUERY_INVALID', details: { parameter } });
});
