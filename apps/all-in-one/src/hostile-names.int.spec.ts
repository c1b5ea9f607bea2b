import fc from 'fast-check';
import { OBJECT_BUILT_IN_NAMES } from '@twinlog/domain';
import { DEAD_LETTER_PAYLOAD_BYTES } from '@twinlog/event-log';
import { startInProcessTwinlog, type InProcessTwinlog } from './testing/in-process-twinlog';

// The embedded mode's whole HTTP surface behind one port: Object built-in names as properties,
// twin ids, units and twin types get their own documented 4xx, never a 5xx, and the good
// readings of a mixed batch are accepted.
jest.setTimeout(300_000);

let t: InProcessTwinlog;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the JSON freely
type Answer = { status: number; json: any; text: string };

async function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${t.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

const seg = encodeURIComponent;
let seq = 0;
const good = () => ({
  twinId: 'cnc-1',
  property: 'temperature',
  value: 40,
  time: minutesAgo(5),
  readingId: `good-${++seq}`,
});

beforeAll(async () => {
  t = await startInProcessTwinlog();
  for (const twinId of ['cnc-1', 'constructor', 'toString']) {
    const registered = await call('POST', '/v1/twins', {
      twinId,
      twinType: 'cnc-milling-machine',
      commissionedAt: minutesAgo(60),
    });
    expect(registered.status).toBe(201);
  }
  // Ingestion's directory follows twin-events: wait until it knows the twins.
  for (let i = 0; i < 100; i++) {
    const probe = await call('POST', '/v1/readings', [good()]);
    if (probe.status === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
});
afterAll(async () => t?.close());

describe('Object built-in names at every entry point', () => {
  it('rejects only the reading whose property is a built-in name (207), accepting the good ones', async () => {
    for (const name of OBJECT_BUILT_IN_NAMES) {
      const { status, json } = await call('POST', '/v1/readings', [
        good(),
        { ...good(), property: name },
        good(),
      ]);
      expect([name, status]).toEqual([name, 207]);
      expect(json.results.map((r: { status: string }) => r.status)).toEqual([
        'accepted',
        'rejected',
        'accepted',
      ]);
      expect(json.results[1].error.code).toBe('PROPERTY_UNKNOWN');
    }
  });

  it('gives a built-in name as twin id, unit or reading id its documented answer', async () => {
    const { status, json } = await call('POST', '/v1/readings', [
      { ...good(), twinId: '__proto__' },
      { ...good(), twinId: 'hasOwnProperty' },
      { ...good(), unit: 'constructor' },
      { ...good(), unit: '__proto__' },
      { ...good(), readingId: '__proto__' },
      // A twin may be called "constructor": it is a twin like any other.
      { ...good(), twinId: 'constructor' },
    ]);
    expect(status).toBe(207);
    expect(
      json.results.map(
        (r: { status: string; error?: { code: string } }) => r.error?.code ?? r.status,
      ),
    ).toEqual([
      'TWIN_ID_INVALID',
      'TWIN_NOT_FOUND',
      'UNIT_MISMATCH',
      'UNIT_MISMATCH',
      'accepted',
      'accepted',
    ]);
    expect((await call('GET', '/v1/twins/toString')).json).toMatchObject({ twinId: 'toString' });
  });

  it('refuses built-in names as a limits property, a reset, a source property, a physics model, a twin type', async () => {
    for (const name of OBJECT_BUILT_IN_NAMES) {
      const limits = await call('PUT', `/v1/twins/cnc-1/limits/${seg(name)}`, {
        limits: { normal: { high: 50 } },
      });
      expect([name, limits.status, limits.json?.error?.code]).toEqual([
        name,
        422,
        'PROPERTY_UNKNOWN',
      ]);
      const reset = await call('POST', '/v1/twins/cnc-1/maintenance', {
        kind: 'tool-replaced',
        performedAt: minutesAgo(1),
        resets: [name],
      });
      expect([name, reset.status, reset.json?.error?.code]).toEqual([
        name,
        422,
        'PROPERTY_UNKNOWN',
      ]);
      const source = await call('GET', `/v1/twins/cnc-1/properties/${seg(name)}/source`);
      expect([name, source.status, source.json?.error?.code]).toEqual([
        name,
        422,
        'PROPERTY_UNKNOWN',
      ]);
      const physics = await call('GET', `/v1/physics/${seg(name)}`);
      expect([name, physics.status, physics.json?.error?.code]).toEqual([
        name,
        422,
        'PHYSICS_MODEL_MISSING',
      ]);
      const simulation = await call('POST', '/v1/simulations', {
        twinId: 'cnc-1',
        horizon: '1h',
        perturbations: [{ kind: 'set', target: name, value: 1 }],
      });
      expect([name, simulation.status, simulation.json?.error?.code]).toEqual([
        name,
        400,
        'SCENARIO_INVALID',
      ]);
      const job = await call('GET', `/v1/simulations/${seg(name)}`);
      expect([name, job.status]).toEqual([name, 404]);
      const register = await call('POST', '/v1/twins', { twinId: 'new-1', twinType: name });
      expect([name, register.status, register.json?.error?.code]).toEqual([
        name,
        422,
        'MODEL_UNKNOWN',
      ]);
    }
  });

  it('answers any generated name with a 2xx or its documented 4xx, never a 5xx (property test)', async () => {
    const name = fc.oneof(
      fc.constantFrom(...OBJECT_BUILT_IN_NAMES),
      fc.string({ minLength: 1, maxLength: 40 }),
      fc.constantFrom('__proto__.toString', 'constructor/prototype', '..', '%2e', ' '),
    );
    await fc.assert(
      fc.asyncProperty(name, async (n) => {
        const batch = await call('POST', '/v1/readings', [
          good(),
          { ...good(), property: n },
          { ...good(), unit: n },
        ]);
        expect(batch.status).toBe(207);
        expect(batch.json.results[0].status).toBe('accepted');
        expect(['PROPERTY_UNKNOWN']).toContain(batch.json.results[1].error?.code);
        // A few short names are units (F is °F): accepted, refused as a unit, or, once
        // converted, outside the property's physical range (42 K is -231 °C).
        expect(['accepted', 'UNIT_MISMATCH', 'VALUE_OUT_OF_BOUNDS']).toContain(
          batch.json.results[2].error?.code ?? batch.json.results[2].status,
        );
        const answers = await Promise.all([
          call('PUT', `/v1/twins/cnc-1/limits/${seg(n)}`, { limits: { normal: { high: 50 } } }),
          call('GET', `/v1/twins/cnc-1/properties/${seg(n)}/source`),
          call('GET', `/v1/physics/${seg(n)}`),
          call('GET', `/v1/twins/${seg(n)}`),
          call('GET', `/v1/twins/${seg(n)}/maintenance`),
        ]);
        for (const a of answers) {
          expect(a.status).toBeLessThan(500);
          // Every refusal is the one error shape with a code, the gateway's own 404 included.
          if (a.status >= 400) expect(a.json?.error?.code).toEqual(expect.any(String));
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('error bodies repeat a bounded part of the input', () => {
  const MB = 'x'.repeat(1 << 20);
  const deep = (n: number): unknown => (n === 0 ? 1 : { a: deep(n - 1), b: [MB.slice(0, 100)] });

  it('keeps a refusal under 4 KB with a 1 MB twin id, property or unit, or deeply nested values', async () => {
    const { status, text, json } = await call('POST', '/v1/readings', [
      { ...good(), twinId: MB },
      { ...good(), property: MB },
      { ...good(), unit: MB },
      { ...good(), value: deep(500) },
      { ...good(), twinId: deep(500) },
      good(),
    ]);
    expect(status).toBe(207);
    expect(json.results.map((r: { error?: { code: string } }) => r.error?.code ?? 'ok')).toEqual([
      'TWIN_ID_INVALID',
      'PROPERTY_UNKNOWN',
      'UNIT_MISMATCH',
      'VALUE_INVALID',
      'TWIN_ID_INVALID',
      'ok',
    ]);
    for (const r of json.results.slice(0, 5)) expect(JSON.stringify(r).length).toBeLessThan(4096);
    expect(text.length).toBeLessThan(6 * 4096);
    // The dead letters' reasons are bounded too, whoever wrote them; so is the payload kept
    // (DEAD_LETTER_PAYLOAD_BYTES), with its whole size.
    await t.infra.log.deadLetter({
      at: new Date().toISOString(),
      consumer: 'spec',
      code: 'VALUE_INVALID',
      reason: `bad value ${MB}`,
      source: { stream: 'spec' },
      payload: MB,
    });
    const letters = await t.infra.log.readDeadLetters();
    expect(letters.length).toBeGreaterThanOrEqual(6);
    for (const letter of letters) expect(letter.reason.length).toBeLessThanOrEqual(1100);
    expect(letters.at(-1)).toMatchObject({
      consumer: 'spec',
      payload: MB.slice(0, DEAD_LETTER_PAYLOAD_BYTES),
      payloadBytes: Buffer.byteLength(MB),
    });
  });

  it('keeps answers small for long ids in paths and bodies and still names the problem', async () => {
    const id = 'a'.repeat(8000);
    for (const path of [
      `/v1/twins/${id}`,
      `/v1/twins/${id}/rollup`,
      `/v1/twins/${id}/maintenance`,
      `/v1/twins/cnc-1/properties/${id}/source`,
      `/v1/physics/${id}`,
      `/v1/simulations/${id}`,
      `/v1/${id}`,
    ]) {
      const { status, text } = await call('GET', path);
      expect([path.slice(0, 30), status < 500]).toEqual([path.slice(0, 30), true]);
      expect(text.length).toBeLessThan(4096);
    }
    const registered = await call('POST', '/v1/twins', {
      twinId: 'b'.repeat(40_000),
      twinType: 'cnc-milling-machine',
      name: deep(5),
    });
    expect(registered.status).toBe(400);
    expect(registered.text.length).toBeLessThan(4096);
    const limits = await call('PUT', `/v1/twins/cnc-1/limits/${'p'.repeat(6000)}`, {
      limits: { normal: { high: 50 } },
    });
    expect(limits.json.error.code).toBe('PROPERTY_UNKNOWN');
    expect(limits.text.length).toBeLessThan(4096);
  });
});
