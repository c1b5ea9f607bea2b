/**
 * An MQTT 5 PUBACK (§3.4), written directly: it is sent once per message, and the generic
 * packet generator costs more than the message's own handling. Success with no properties
 * may leave out the reason code (remaining length 2).
 */
export function pubackBytes(messageId: number, reasonCode: number): Buffer {
  return reasonCode === 0
    ? Buffer.from([0x40, 2, messageId >> 8, messageId & 0xff])
    : Buffer.from([0x40, 3, messageId >> 8, messageId & 0xff, reasonCode]);
}

/** Plain words for a CONNACK's refusal (MQTT 5 §3.2.2.2). */
export function connackReason(code: number): string {
  const reasons: Record<number, string> = {
    128: 'unspecified error',
    129: 'malformed packet',
    130: 'protocol error',
    131: 'implementation specific error',
    132: 'MQTT 5 not supported by the broker',
    133: 'client identifier not valid',
    134: 'bad user name or password',
    135: 'not authorized',
    136: 'server unavailable',
    137: 'server busy',
    138: 'banned',
    140: 'bad authentication method',
    149: 'packet too large',
    151: 'quota exceeded',
    153: 'payload format invalid',
    154: 'retain not supported',
    155: 'QoS not supported',
    156: 'use another server',
    157: 'server moved',
    159: 'connection rate exceeded',
  };
  return reasons[code] ?? 'refused';
}
