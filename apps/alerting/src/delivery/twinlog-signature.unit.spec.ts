import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { twinlogSignature, verifyTwinlogSignature } from './twinlog-signature';

const secret = 'whsec_0123456789abcdef';
const body = JSON.stringify({ deliveryId: 'dlv-1', note: 'héllo ✓' });
const t = 1_796_000_000;
const at = (seconds: number) => new Date(seconds * 1000);

describe('X-Twinlog-Signature', () => {
  it('is t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>, as an independent HMAC computes it', () => {
    const independent = createHmac('sha256', secret)
      .update(Buffer.from(`${t}.${body}`, 'utf8'))
      .digest('hex');
    expect(twinlogSignature(body, secret, t + 0.9)).toBe(`t=${t},v1=${independent}`);
  });

  it('verifies its own signature, of strings and of the raw bytes', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (b, s) => {
        const header = twinlogSignature(b, s, t);
        expect(verifyTwinlogSignature(header, b, s, 300, at(t))).toBe(true);
        expect(verifyTwinlogSignature(header, Buffer.from(b, 'utf8'), s, 300, at(t))).toBe(true);
      }),
    );
  });

  it('refuses another body, another secret, a stale or future time, and malformed headers', () => {
    const header = twinlogSignature(body, secret, t);
    expect(verifyTwinlogSignature(header, `${body} `, secret, 300, at(t))).toBe(false);
    expect(verifyTwinlogSignature(header, body, `${secret}x`, 300, at(t))).toBe(false);
    expect(verifyTwinlogSignature(header, body, secret, 300, at(t + 301))).toBe(false);
    expect(verifyTwinlogSignature(header, body, secret, 300, at(t - 301))).toBe(false);
    expect(verifyTwinlogSignature(header, body, secret, 300, at(t + 300))).toBe(true);
    const v1 = header.split('v1=')[1]!;
    for (const bad of [
      undefined,
      null,
      '',
      `v1=${v1}`,
      `t=${t}`,
      `t=${t},v1=${v1.slice(1)}`,
      `t=abc,v1=${v1}`,
      `t=${t + 1},v1=${v1}`,
      `t=${t},v1=${'0'.repeat(64)}`,
      '__proto__=1',
    ])
      expect(verifyTwinlogSignature(bad, body, secret, 300, at(t))).toBe(false);
  });

  it('accepts any of several v1 values (a secret being rotated), in any order', () => {
    const header = twinlogSignature(body, secret, t);
    const other = twinlogSignature(body, 'old-secret-0123456789', t).split(',')[1]!;
    expect(verifyTwinlogSignature(`${other},${header}`, body, secret, 300, at(t))).toBe(true);
    expect(
      verifyTwinlogSignature(`${header.split(',')[1]}, t=${t}`, body, secret, 300, at(t)),
    ).toBe(true);
  });
});
