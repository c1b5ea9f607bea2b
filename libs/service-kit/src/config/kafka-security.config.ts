import { z } from 'zod';
import { SASL_MECHANISMS, type KafkaSecurity, type SaslMechanism } from '@twinlog/event-log';
import type { Env } from './env-parsing';
import { readSecret, readSettingFile } from './secret-setting';

const SETTINGS = [
  'SASL_MECHANISM',
  'USERNAME',
  'PASSWORD',
  'PASSWORD_FILE',
  'TLS',
  'TLS_CA_FILE',
  'TLS_CERT_FILE',
  'TLS_KEY_FILE',
] as const;

/**
 * The variables readKafkaSecurity reads, for a service's schema: they are then known settings
 * (the deploy checks list what a service reads) though checked by readKafkaSecurity.
 */
export function kafkaSecuritySettings(prefix: string) {
  return Object.fromEntries(SETTINGS.map((name) => [prefix + name, z.string().optional()]));
}

/**
 * SASL and TLS of a Kafka cluster from `<prefix>SASL_MECHANISM`, `<prefix>USERNAME`,
 * `<prefix>PASSWORD` (or `_FILE`), `<prefix>TLS` and `<prefix>TLS_CA_FILE` / `_CERT_FILE` /
 * `_KEY_FILE`: TWINLOG_KAFKA_ for Twinlog's own log, another prefix for an enterprise cluster.
 * Half a setting is a problem, not a silent PLAINTEXT connection.
 */
export function readKafkaSecurity(env: Env, prefix: string, problems: string[]): KafkaSecurity {
  const value = (key: string) => (env[prefix + key] === '' ? undefined : env[prefix + key]);
  const security: KafkaSecurity = {};
  const mechanism = value('SASL_MECHANISM') ?? 'none';
  const username = value('USERNAME');
  const password = readSecret(env, `${prefix}PASSWORD`, problems);
  if (mechanism !== 'none' && !(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    problems.push(
      `${prefix}SASL_MECHANISM=${JSON.stringify(mechanism)}: one of none, ${SASL_MECHANISMS.join(', ')}`,
    );
  } else if (mechanism === 'none') {
    if (username !== undefined || password !== undefined)
      problems.push(
        `${prefix}USERNAME or ${prefix}PASSWORD is set but ${prefix}SASL_MECHANISM is not: ` +
          'set it (scram-sha-512, scram-sha-256 or plain) or remove the credentials',
      );
  } else if (username === undefined || password === undefined) {
    problems.push(
      `${prefix}SASL_MECHANISM=${mechanism} needs ${prefix}USERNAME and ${prefix}PASSWORD (or ${prefix}PASSWORD_FILE)`,
    );
  } else {
    security.sasl = { mechanism: mechanism as SaslMechanism, username, password };
  }

  const tls = value('TLS') ?? 'off';
  const files = { ca: 'TLS_CA_FILE', cert: 'TLS_CERT_FILE', key: 'TLS_KEY_FILE' } as const;
  if (tls !== 'on' && tls !== 'off')
    problems.push(`${prefix}TLS=${JSON.stringify(tls)}: on or off`);
  if (tls !== 'on') {
    const stray = Object.values(files).filter((key) => value(key) !== undefined);
    if (stray.length > 0)
      problems.push(`${stray.map((k) => prefix + k).join(', ')} set but ${prefix}TLS is not on`);
  } else {
    const pem: NonNullable<KafkaSecurity['tls']> = {};
    for (const [field, key] of Object.entries(files) as Array<[keyof typeof files, string]>) {
      const path = value(key);
      const text = path === undefined ? undefined : readSettingFile(prefix + key, path, problems);
      if (text !== undefined) pem[field] = text;
    }
    if ((value(files.cert) === undefined) !== (value(files.key) === undefined))
      problems.push(
        `${prefix}TLS_CERT_FILE and ${prefix}TLS_KEY_FILE go together: set both or neither`,
      );
    security.tls = pem;
  }
  if (security.sasl?.mechanism === 'plain' && !security.tls)
    problems.push(
      `${prefix}SASL_MECHANISM=plain sends the password in the clear: use it with ${prefix}TLS=on, or use scram-sha-512`,
    );
  return security;
}
