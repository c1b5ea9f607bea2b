import type { IncomingMessage, ServerResponse } from 'node:http';
import { AllowedHosts } from './allowed-hosts';
import { refuseForeignRequests } from './foreign-requests';

const screen = refuseForeignRequests(AllowedHosts.of(['twinlog.plant.example']));

/** 'next', or the status and code of the refusal. */
function run(method: string, url: string, headers: Record<string, string>): string {
  const req = { method, url, headers, resume: jest.fn() } as unknown as IncomingMessage;
  let body = '';
  const res = {
    statusCode: 200,
    setHeader: jest.fn(),
    end: (text: string) => (body = text),
  } as unknown as ServerResponse;
  let passed = false;
  screen(req, res, () => (passed = true));
  if (passed) return 'next';
  const { error } = JSON.parse(body) as { error: { code: string; details: { setting: string } } };
  expect(error.details.setting).toBe('TWINLOG_ALLOWED_HOSTS');
  return `${res.statusCode} ${error.code}`;
}

const local = { host: '127.0.0.1:8080' };

describe('a Host that is not one of the server names (DNS rebinding)', () => {
  it.each([
    ['GET', '/v1/twins', { host: 'evil.example:8080' }],
    ['POST', '/v1/admin/rebuild/x', { host: 'evil.example' }],
    ['GET', '/v1/twins', {}],
    ['GET', '/health/ready/x', { host: 'evil.example' }],
  ])('%s %s %j is 421 HOST_NOT_ALLOWED', (method, url, headers) => {
    expect(run(method, url, headers)).toBe('421 HOST_NOT_ALLOWED');
  });

  it('leaves the probes to any Host (the kubelet sends the pod IP)', () => {
    expect(run('GET', '/health/ready', { host: '10.1.2.3:8082' })).toBe('next');
    expect(run('GET', '/health/live?x', { host: '10.1.2.3:8082' })).toBe('next');
  });
});

describe('a state change from a page of another site', () => {
  it.each([
    ['POST', { ...local, origin: 'http://evil.example' }],
    ['POST', { ...local, origin: 'null' }],
    ['POST', { ...local, origin: 'file://' }],
    ['DELETE', { ...local, origin: 'http://evil.example:8080' }],
    ['PUT', { ...local, 'sec-fetch-site': 'cross-site' }],
    ['PATCH', { ...local, 'sec-fetch-site': 'same-site', origin: 'http://localhost:3000' }],
    ['POST', { ...local, 'sec-fetch-site': 'cross-site', origin: 'http://localhost:8080' }],
    ['PROPFIND', { ...local, origin: 'http://evil.example' }],
  ])('%s %j is 403 CROSS_SITE_REFUSED', (method, headers) => {
    expect(run(method, '/v1/admin/rebuild/x', headers)).toBe('403 CROSS_SITE_REFUSED');
  });

  it.each([
    ['POST', local],
    ['POST', { ...local, origin: 'http://127.0.0.1:8080', 'sec-fetch-site': 'same-origin' }],
    ['POST', { host: 'twinlog.plant.example', origin: 'https://twinlog.plant.example' }],
    ['POST', { ...local, 'sec-fetch-site': 'none' }],
    ['GET', { ...local, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' }],
    ['HEAD', { ...local, origin: 'http://evil.example' }],
    ['OPTIONS', { ...local, origin: 'http://evil.example' }],
  ])('%s %j passes (a read, the same origin, or no browser)', (method, headers) => {
    expect(run(method, '/v1/twins', headers)).toBe('next');
  });
});

it('repeats only a bounded part of a huge Host or Origin', () => {
  const req = (headers: Record<string, string>) =>
    ({ method: 'POST', url: '/', headers, resume: jest.fn() }) as unknown as IncomingMessage;
  for (const headers of [
    { host: 'a'.repeat(100_000) },
    { ...local, origin: 'http://' + 'b'.repeat(100_000) },
  ]) {
    let body = '';
    const res = {
      setHeader: jest.fn(),
      end: (t: string) => (body = t),
    } as unknown as ServerResponse;
    screen(req(headers), res, () => undefined);
    expect(body.length).toBeLessThan(2_000);
  }
});
