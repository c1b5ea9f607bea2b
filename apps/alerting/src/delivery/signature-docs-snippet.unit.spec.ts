import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { twinlogSignature } from './twinlog-signature';

// The receiver's check that docs/services/alerting.md shows must agree with what Twinlog sends.
type Check = (
  header: string | undefined,
  raw: Buffer,
  secret: string,
  tolerance?: number,
) => boolean;

function documentedCheck(): Check {
  const doc = readFileSync(join(__dirname, '../../../../docs/services/alerting.md'), 'utf8');
  const section = doc.slice(doc.indexOf('### Checking the signature'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('no js snippet under "Checking the signature"');
  const context: Record<string, unknown> = { require, Buffer, Date, String, Math, Number };
  runInNewContext(`${code}\nthis.check = twinlogSignatureValid;`, context);
  return context['check'] as Check;
}

describe('the documented signature check', () => {
  const check = documentedCheck();
  const secret = 'whsec_docs_0123456789';
  const body = Buffer.from(JSON.stringify({ deliveryId: 'dlv-1', note: 'ünïcode ✓' }));
  const now = Date.now() / 1000;

  it('accepts what Twinlog signs', () => {
    expect(check(twinlogSignature(body, secret, now), body, secret)).toBe(true);
  });

  it('refuses another body, another secret, a stale signature, no header', () => {
    expect(
      check(twinlogSignature(body, secret, now), Buffer.concat([body, Buffer.from(' ')]), secret),
    ).toBe(false);
    expect(check(twinlogSignature(body, secret, now), body, `${secret}x`)).toBe(false);
    expect(check(twinlogSignature(body, secret, now - 600), body, secret)).toBe(false);
    expect(check(undefined, body, secret)).toBe(false);
  });
});
