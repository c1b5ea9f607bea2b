import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { ChannelTarget } from './channel-target';
import {
  AlertingKeyError,
  loadOrCreateAlertingKey,
  parseAlertingKey,
  resolveAlertingKey,
} from './alerting-key';
import { openTarget, sealTarget, SealedTargetError, targetOpener } from './target-sealing';

const key = randomBytes(32);
const webhook: ChannelTarget = {
  kind: 'webhook',
  url: 'https://hooks.example.com/t/very-secret-path?token=abc',
  secret: 'whsec_0123456789abcdef',
};

describe('sealing a channel target', () => {
  it('opens what it sealed, for every kind', () => {
    const targets: ChannelTarget[] = [
      webhook,
      { kind: 'slack', url: 'https://hooks.slack.com/services/T/B/X' },
      { kind: 'teams', url: 'https://example.webhook.office.com/x' },
      { kind: 'email', to: ['a@example.com', 'b@plant.example'] },
    ];
    for (const target of targets) expect(openTarget(sealTarget(target, key), key)).toEqual(target);
  });

  it('is v1.<iv>.<tag>.<ciphertext> in base64url, holds no plaintext, and differs each time', () => {
    const sealed = sealTarget(webhook, key);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('hooks.example.com');
    expect(sealed).not.toContain('whsec');
    expect(sealTarget(webhook, key)).not.toBe(sealed);
  });

  it('refuses another key with a clear error, never the plaintext', () => {
    const sealed = sealTarget(webhook, key);
    let error: unknown;
    try {
      openTarget(sealed, randomBytes(32));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SealedTargetError);
    expect((error as Error).message).toMatch(/ALERTING_SECRET_KEY/);
    expect((error as Error).message).not.toContain('whsec');
  });

  it('refuses any tampered character of iv, tag or ciphertext', () => {
    const sealed = sealTarget(webhook, key);
    const bytesOf = (text: string) =>
      text
        .split('.')
        .map((p) => Buffer.from(p, 'base64url').toString('hex'))
        .join('.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: sealed.length - 1 }),
        fc.integer({ min: 1, max: 63 }),
        (at, shift) => {
          fc.pre(sealed[at] !== '.');
          const changed = alphabet[(alphabet.indexOf(sealed[at]!) + shift) % 64]!;
          const tampered = sealed.slice(0, at) + changed + sealed.slice(at + 1);
          // A part's last character has unused low bits: a change there can decode to the same bytes.
          fc.pre(bytesOf(tampered) !== bytesOf(sealed));
          expect(() => openTarget(tampered, key)).toThrow(SealedTargetError);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses what is not a sealed target, and a key of the wrong size', () => {
    for (const bad of [
      '',
      'v1',
      'v2.a.b.c',
      'v1...',
      'v1.AAAA.AAAA.AAAA',
      '__proto__',
      'v1.a.b.c.d',
    ])
      expect(() => openTarget(bad, key)).toThrow(SealedTargetError);
    expect(() => sealTarget(webhook, randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('opening targets for the runner', () => {
  const channels = new Map([
    ['ch-1', { sealedTarget: sealTarget(webhook, key), deleted: false }],
    ['ch-gone', { sealedTarget: sealTarget(webhook, key), deleted: true }],
  ]);

  it('opens a channel, and says undefined for a deleted or unknown one', () => {
    const open = targetOpener(key, (id) => channels.get(id));
    expect(open('ch-1')).toEqual(webhook);
    expect(open('ch-gone')).toBeUndefined();
    expect(open('__proto__')).toBeUndefined();
  });

  it('without a key, or with another one, refuses with a SealedTargetError (retried, not dead)', () => {
    expect(() => targetOpener(undefined, (id) => channels.get(id))('ch-1')).toThrow(
      new SealedTargetError('no alerting key: set ALERTING_SECRET_KEY to send notifications'),
    );
    expect(() => targetOpener(randomBytes(32), (id) => channels.get(id))('ch-1')).toThrow(
      SealedTargetError,
    );
  });
});

describe('the alerting key', () => {
  it('reads 64 hex characters or base64 of 32 bytes', () => {
    const bytes = randomBytes(32);
    expect(parseAlertingKey(bytes.toString('hex'))).toEqual(bytes);
    expect(parseAlertingKey(bytes.toString('base64'))).toEqual(bytes);
    expect(parseAlertingKey(bytes.toString('base64url'))).toEqual(bytes);
    expect(parseAlertingKey(` ${bytes.toString('hex')}\n`)).toEqual(bytes);
  });

  it('refuses anything else, naming the variable and not the value', () => {
    for (const bad of [
      '',
      'short',
      'z'.repeat(64),
      randomBytes(16).toString('hex'),
      randomBytes(31).toString('base64'),
      randomBytes(33).toString('base64'),
    ]) {
      let error: unknown;
      try {
        parseAlertingKey(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AlertingKeyError);
      expect((error as Error).message).toMatch(/^ALERTING_SECRET_KEY: /);
      if (bad.length > 4) expect((error as Error).message).not.toContain(bad);
    }
  });

  describe('the embedded key file', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'alerting-key-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('is made 0600 on first use and read back after', () => {
      const first = loadOrCreateAlertingKey(join(dir, 'data'));
      expect(first.created).toBe(true);
      expect(first.file).toBe(join(dir, 'data', 'alerting.key'));
      expect(statSync(first.file).mode & 0o777).toBe(0o600);
      expect(first.readableByOthers).toBe(false);
      expect(readFileSync(first.file, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
      const second = loadOrCreateAlertingKey(join(dir, 'data'));
      expect(second.created).toBe(false);
      expect(second.key).toEqual(first.key);
    });

    it('is warned about at start when others can read it (review 20 #14)', () => {
      const warnings: string[] = [];
      const service = { mode: 'embedded' as const, dataDir: dir };
      resolveAlertingKey(undefined, service, (m) => warnings.push(m));
      expect(warnings).toEqual([]);
      chmodSync(join(dir, 'alerting.key'), 0o644);
      const resolved = resolveAlertingKey(undefined, service, (m) => warnings.push(m));
      expect(resolved?.source).toBe(join(dir, 'alerting.key'));
      expect(warnings).toEqual([expect.stringContaining(`chmod 600 ${join(dir, 'alerting.key')}`)]);
      expect(warnings[0]).not.toMatch(/[0-9a-f]{64}/);
    });

    it('a damaged file is named, not replaced', () => {
      writeFileSync(join(dir, 'alerting.key'), 'not a key\n');
      expect(() => loadOrCreateAlertingKey(dir)).toThrow(
        `${join(dir, 'alerting.key')}: not a 32-byte key`,
      );
      expect(readFileSync(join(dir, 'alerting.key'), 'utf8')).toBe('not a key\n');
    });
  });
});
