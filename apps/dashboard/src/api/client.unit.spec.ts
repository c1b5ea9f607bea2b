import { ApiClient } from './client';
import { ApiError } from './api-error';
import { credentialHeaders, loadCredential, saveCredential } from './credentials';

function clientWith(answers: Array<{ status: number; body: unknown }>) {
  const calls: Array<{ url: string; headers: Record<string, string> }> = [];
  const signOuts: string[] = [];
  const client = new ApiClient({
    headers: () => ({ 'x-api-key': 'twl_k_s' }),
    onUnauthorized: (m) => signOuts.push(m),
    fetch: (async (url: string, init: RequestInit) => {
      calls.push({ url, headers: init.headers as Record<string, string> });
      const next = answers.shift()!;
      return new Response(typeof next.body === 'string' ? next.body : JSON.stringify(next.body), {
        status: next.status,
      });
    }) as unknown as typeof fetch,
  });
  return { client, calls, signOuts };
}

describe('the API client', () => {
  it('reads every page of a list by its cursor, with the credential on each call', async () => {
    const { client, calls } = clientWith([
      { status: 200, body: { alerts: [{ alertId: 'a1' }], next: 'c1' } },
      { status: 200, body: { alerts: [{ alertId: 'a2' }], next: null } },
    ]);
    const alerts = await client.openAlerts();
    expect(alerts.map((a) => a.alertId)).toEqual(['a1', 'a2']);
    expect(calls.map((c) => c.url)).toEqual([
      '/v1/alerts?status=open%2Cacknowledged%2Cassigned&limit=500',
      '/v1/alerts?status=open%2Cacknowledged%2Cassigned&limit=500&cursor=c1',
    ]);
    expect(calls[0]!.headers['x-api-key']).toBe('twl_k_s');
  });

  it('encodes ids in paths, so an id cannot reach another route', async () => {
    const { client, calls } = clientWith([{ status: 200, body: {} }]);
    await client.twin('../admin/keys?x=1');
    expect(calls[0]!.url).toBe('/v1/twins/..%2Fadmin%2Fkeys%3Fx%3D1');
  });

  it('turns an error answer into an ApiError with its code, and a 401 into a return to the login', async () => {
    const { client, signOuts } = clientWith([
      { status: 404, body: { error: { code: 'TWIN_NOT_FOUND', message: 'No twin x' } } },
      { status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'The key was revoked' } } },
      { status: 502, body: '<html>bad gateway</html>' },
    ]);
    await expect(client.twin('x')).rejects.toMatchObject({
      status: 404,
      code: 'TWIN_NOT_FOUND',
      message: 'No twin x',
    });
    expect(signOuts).toEqual([]);
    await expect(client.whoami()).rejects.toBeInstanceOf(ApiError);
    expect(signOuts).toEqual(['The key was revoked']);
    await expect(client.twins()).rejects.toMatchObject({ status: 502, code: 'HTTP_502' });
  });
});

describe('the stored credential', () => {
  const store = () => {
    const items = new Map<string, string>();
    return {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
      items,
    };
  };

  it('is sent as X-Api-Key or as a bearer token', () => {
    expect(credentialHeaders({ kind: 'api-key', value: 'twl_a_b' })).toEqual({
      'x-api-key': 'twl_a_b',
    });
    expect(credentialHeaders({ kind: 'bearer', value: 'ey.x.y' })).toEqual({
      authorization: 'Bearer ey.x.y',
    });
    expect(credentialHeaders(undefined)).toEqual({});
  });

  it('round-trips through the tab storage, and a value edited by hand counts as none', () => {
    const s = store();
    saveCredential(s, { kind: 'bearer', value: 't' });
    expect(loadCredential(s)).toEqual({ kind: 'bearer', value: 't' });
    saveCredential(s, undefined);
    expect(loadCredential(s)).toBeUndefined();
    for (const bad of [
      '{',
      'null',
      '{"kind":"root","value":"x"}',
      '{"kind":"bearer","value":1}',
      '"__proto__"',
    ]) {
      s.items.set('twinlog.credential', bad);
      expect(loadCredential(s)).toBeUndefined();
    }
  });
});
