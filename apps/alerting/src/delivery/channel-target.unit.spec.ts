import { isTwinlogError } from '@twinlog/domain';
import { displayOf, parseChannelTarget } from './channel-target';

const refusal = (input: unknown): string => {
  try {
    parseChannelTarget(input);
  } catch (error) {
    if (isTwinlogError(error, 'COMMAND_INVALID')) return error.message;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
};

describe('a channel target from user input', () => {
  it('takes the four kinds and ignores other keys (name)', () => {
    expect(
      parseChannelTarget({
        kind: 'webhook',
        url: 'https://h.example/x',
        secret: 's'.repeat(16),
        name: 'ops',
      }),
    ).toEqual({
      kind: 'webhook',
      url: 'https://h.example/x',
      secret: 's'.repeat(16),
    });
    expect(parseChannelTarget({ kind: 'slack', url: 'http://127.0.0.1:9000/hook' })).toEqual({
      kind: 'slack',
      url: 'http://127.0.0.1:9000/hook',
    });
    expect(parseChannelTarget({ kind: 'teams', url: 'https://x.webhook.office.com/a' }).kind).toBe(
      'teams',
    );
    expect(
      parseChannelTarget({
        kind: 'email',
        to: ['Ops@Plant.example', 'ops@plant.example', 'b@x.example'],
      }),
    ).toEqual({
      kind: 'email',
      to: ['Ops@Plant.example', 'b@x.example'],
    });
  });

  it.each([
    [
      { kind: 'webhook', url: 'ftp://h.example/x', secret: 's'.repeat(16) },
      /url: only http and https/,
    ],
    [
      { kind: 'webhook', url: 'file:///etc/passwd', secret: 's'.repeat(16) },
      /url: only http and https/,
    ],
    [
      { kind: 'webhook', url: 'https://user:pw@h.example/x', secret: 's'.repeat(16) },
      /url: no user or password/,
    ],
    [{ kind: 'webhook', url: 'not a url', secret: 's'.repeat(16) }, /url: not a URL/],
    [
      { kind: 'webhook', url: `https://h.example/${'a'.repeat(3000)}`, secret: 's'.repeat(16) },
      /url: a URL of at most 2048/,
    ],
    [
      { kind: 'webhook', url: 'https://h.example/x', secret: 'short' },
      /secret: a secret of at least 16/,
    ],
    [{ kind: 'webhook', url: 'https://h.example/x' }, /secret/],
    [
      { kind: 'webhook', url: 'https://h.example/x', secret: 'with spaces in it!!' },
      /secret: printable ASCII/,
    ],
    [{ kind: 'slack' }, /url/],
    [{ kind: 'email', to: [] }, /to: at least one recipient/],
    [
      { kind: 'email', to: Array.from({ length: 21 }, (_, i) => `p${i}@x.example`) },
      /to: at most 20 recipients/,
    ],
    [{ kind: 'email', to: ['Ops <ops@x.example>'] }, /to\.0: not an email address/],
    [{ kind: 'email', to: ['a@x.example\r\nBcc: evil@y.example'] }, /to\.0: not an email address/],
    [{ kind: 'email', to: ['a@x.example,b@y.example'] }, /not an email address/],
    [{ kind: 'email', to: ['nodomain@'] }, /not an email address/],
    [{ kind: 'email', to: 'a@x.example' }, /to/],
    [{ kind: 'pager', url: 'https://h.example' }, /kind/],
    [{ kind: '__proto__' }, /kind/],
    [null, /kind/],
    ['webhook', /kind/],
  ])('refuses %j', (input, problem) => {
    expect(refusal(input)).toMatch(problem);
  });

  it('never echoes the secret it refused', () => {
    expect(
      refusal({ kind: 'webhook', url: 'https://h.example/x', secret: 'topsecret value' }),
    ).not.toContain('topsecret');
  });
});

describe('what may be shown of a target', () => {
  it('is the scheme and host of a URL: no path, query, secret', () => {
    expect(
      displayOf({
        kind: 'webhook',
        url: 'https://hooks.example.com:8443/t/abc?token=xyz#f',
        secret: 'whsec_1234567890abcdef',
      }),
    ).toBe('https://hooks.example.com:8443');
    expect(displayOf({ kind: 'slack', url: 'https://hooks.slack.com/services/T0/B0/SECRET' })).toBe(
      'https://hooks.slack.com',
    );
  });

  it('is the recipients’ domains, without their names', () => {
    expect(
      displayOf({
        kind: 'email',
        to: ['anna@Plant.example', 'bob@plant.example', 'c@ops.example'],
      }),
    ).toBe('ops.example, plant.example');
  });
});
