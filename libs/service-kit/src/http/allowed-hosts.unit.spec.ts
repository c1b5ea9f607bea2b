import { AllowedHosts, hostNameOf } from './allowed-hosts';

describe('hostNameOf', () => {
  it.each([
    ['localhost', 'localhost'],
    ['LocalHost:8080', 'localhost'],
    ['127.0.0.1:0', '127.0.0.1'],
    ['[::1]:8080', '[::1]'],
    ['[::1]', '[::1]'],
    ['::1', '[::1]'],
    ['twinlog.plant.example.', 'twinlog.plant.example'],
    [' twin-state ', 'twin-state'],
    ['twinlog_gateway_1', 'twinlog_gateway_1'],
  ])('%j -> %j', (authority, name) => expect(hostNameOf(authority)).toBe(name));

  it.each([
    '',
    ':8080',
    'http://twinlog.example',
    'twinlog.example/path',
    'a b',
    'host:port',
    'host:123456',
    '[::1',
    '[::1]x',
    '[evil.example]',
    'evil..example',
    '__proto__.example\u0000',
  ])('refuses %j', (authority) => expect(hostNameOf(authority)).toBeUndefined());
});

describe('AllowedHosts', () => {
  it('allows the loopback names by default, with any port, and nothing else', () => {
    const allowed = AllowedHosts.of([]);
    for (const host of ['localhost:8080', '127.0.0.1', '[::1]:1', 'LOCALHOST'])
      expect([host, allowed.allows(host)]).toEqual([host, true]);
    for (const host of [undefined, '', 'evil.example', 'evil.example:8080', '10.0.0.5', '0.0.0.0'])
      expect([host, allowed.allows(host)]).toEqual([host, false]);
  });

  it('adds the name the server binds to, but not an every-interface address', () => {
    expect(AllowedHosts.of([], 'twin-state').allows('twin-state:8082')).toBe(true);
    expect(AllowedHosts.of([], '10.0.0.5').allows('10.0.0.5:8082')).toBe(true);
    expect(AllowedHosts.of([], '0.0.0.0').allows('0.0.0.0:8082')).toBe(false);
    expect(AllowedHosts.of([], '::').allows('[::]:8082')).toBe(false);
  });

  it('adds the configured names to the loopback ones; * allows any', () => {
    const allowed = AllowedHosts.of(['twinlog.plant.example', 'gateway']);
    expect(allowed.allows('twinlog.plant.example:443')).toBe(true);
    expect(allowed.allows('gateway')).toBe(true);
    expect(allowed.allows('localhost')).toBe(true);
    expect(allowed.allows('plant.example')).toBe(false);
    expect(allowed.allows('evil.twinlog.plant.example')).toBe(false);
    expect(AllowedHosts.of(['*']).allows('anything.example')).toBe(true);
  });

  it('says itself as the setting a service behind a gateway reads', () => {
    expect(AllowedHosts.of(['gateway'], 'twinlog.local').toSetting()).toBe(
      'localhost,127.0.0.1,[::1],gateway,twinlog.local',
    );
    expect(AllowedHosts.of(['*']).toSetting()).toBe('*');
  });
});
