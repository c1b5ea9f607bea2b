import type { KafkaConfig, SASLOptions } from 'kafkajs';

export const SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/**
 * How a Kafka client proves who it is and protects the connection: SASL (SCRAM or PLAIN) and
 * TLS. Plain data (PEM text, not file paths), so it crosses to the replay fetch thread as it is.
 * Empty: a PLAINTEXT listener, as on a closed network or in tests.
 */
export interface KafkaSecurity {
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  /** TLS to the brokers: the CA to trust (PEM; the system's when absent) and a client certificate. */
  tls?: { ca?: string; cert?: string; key?: string };
}

/** The kafkajs client options for `security`: every client (admin, producer, consumer) takes them. */
export function kafkaClientSecurity(
  security: KafkaSecurity | undefined,
): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const options: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (security?.tls) {
    const { ca, cert, key } = security.tls;
    options.ssl = {
      ...(ca !== undefined ? { ca: [ca] } : {}),
      ...(cert !== undefined ? { cert } : {}),
      ...(key !== undefined ? { key } : {}),
    };
  }
  if (security?.sasl) options.sasl = saslOptions(security.sasl);
  return options;
}

function saslOptions({ mechanism, username, password }: NonNullable<KafkaSecurity['sasl']>) {
  return { mechanism, username, password } as SASLOptions;
}

/**
 * A refused login said plainly, naming the user and mechanism (never the password): kafkajs'
 * own message reads "SASL SCRAM SHA512 authentication failed: ..." with no hint of the setting.
 */
export function explainKafkaConnectError(
  error: unknown,
  security: KafkaSecurity | undefined,
): unknown {
  if (!(error instanceof Error) || error.name !== 'KafkaJSSASLAuthenticationError') return error;
  const sasl = security?.sasl;
  const who = sasl ? `user "${sasl.username}" (${sasl.mechanism.toUpperCase()})` : 'this client';
  const explained = new Error(
    `Kafka refused the credentials of ${who}: ${error.message}. Check TWINLOG_KAFKA_USERNAME, ` +
      'TWINLOG_KAFKA_PASSWORD (or _FILE) and TWINLOG_KAFKA_SASL_MECHANISM.',
    { cause: error },
  );
  explained.name = 'KafkaAuthenticationError';
  return explained;
}
