import { z } from 'zod';
import { ConfigError, intFrom, parseEnv, readSecret, type Env } from '@twinlog/service-kit';
import { AlertingKeyError, parseAlertingKey } from './alerting-key';

/** The delivery worker's settings (docs/services/alerting.md#channels-and-deliveries). */
export const deliverySettingsSchema = z.object({
  // Attempts in flight at once: a slow receiver holds one slot, not the worker.
  ALERTING_DELIVERY_CONCURRENCY: intFrom(1, 8, 256),
  // One attempt (connect, answer, body) at most this long; then it counts as failed and retries.
  ALERTING_DELIVERY_TIMEOUT_MS: intFrom(100, 10_000, 120_000),
  // The sender of alert emails.
  ALERTING_SMTP_FROM: z.string().trim().min(3).max(254).default('Twinlog <twinlog@localhost>'),
});

export interface DeliverySettings {
  concurrency: number;
  timeoutMs: number;
  /** smtp[s]://user:pass@host:port: a credential, never logged; undefined: no email. */
  smtpUrl: string | undefined;
  smtpFrom: string;
  /** The configured sealing key; undefined: the embedded key file, or none (distributed). */
  secretKey: Buffer | undefined;
}

/** ALERTING_SMTP_URL and ALERTING_SECRET_KEY may also come from a file (`*_FILE`, a mounted secret). */
export function readDeliverySettings(env: Env): DeliverySettings {
  const raw = parseEnv(deliverySettingsSchema, env);
  const problems: string[] = [];
  const smtpUrl = readSecret(env, 'ALERTING_SMTP_URL', problems);
  if (smtpUrl !== undefined) {
    const problem = smtpUrlProblem(smtpUrl);
    if (problem) problems.push(`ALERTING_SMTP_URL: ${problem}`);
  }
  const keyText = readSecret(env, 'ALERTING_SECRET_KEY', problems);
  let secretKey: Buffer | undefined;
  if (keyText !== undefined) {
    try {
      secretKey = parseAlertingKey(keyText, 'ALERTING_SECRET_KEY');
    } catch (error) {
      if (!(error instanceof AlertingKeyError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    concurrency: raw.ALERTING_DELIVERY_CONCURRENCY,
    timeoutMs: raw.ALERTING_DELIVERY_TIMEOUT_MS,
    smtpUrl,
    smtpFrom: raw.ALERTING_SMTP_FROM,
    secretKey,
  };
}

/** Why a value is not an SMTP URL, without repeating it (it holds a password). */
function smtpUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not a URL (smtp://user:password@mail.example.com:587 or smtps://...:465)';
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    return 'the scheme must be smtp or smtps';
  if (url.hostname === '') return 'the URL needs a host';
  return undefined;
}
