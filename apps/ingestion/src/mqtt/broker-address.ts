/** Where MQTT_URL points, and its credentials percent-decoded (user and password as sent in CONNECT). */
export interface BrokerAddress {
  host: string;
  port: number;
  tls: boolean;
  username?: string;
  password?: string;
  /** The URL without credentials, for logs and status. */
  display: string;
}

export function brokerAddress(url: string): BrokerAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('MQTT_URL is not a URL: give mqtt://host:port or mqtts://host:port');
  }
  const tls = parsed.protocol === 'mqtts:' || parsed.protocol === 'ssl:';
  if (!tls && parsed.protocol !== 'mqtt:' && parsed.protocol !== 'tcp:') {
    throw new Error(
      `MQTT_URL ${parsed.protocol}// is not supported: give mqtt://host:port or mqtts://host:port`,
    );
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = parsed.port ? Number(parsed.port) : tls ? 8883 : 1883;
  return {
    host,
    port,
    tls,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    display: `${parsed.protocol}//${parsed.host}`,
  };
}

/** Checks MQTT_URL when the config is read, so a bad one stops the service at start. */
export function checkBrokerUrl(url: string): void {
  brokerAddress(url);
}

export function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
