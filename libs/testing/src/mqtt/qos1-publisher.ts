import { connectAsync, type MqttClient } from 'mqtt';

export interface MqttMessage {
  topic: string;
  payload: string;
}

/**
 * Plant publishers at QoS 1 over several connections: each publishes without waiting for the
 * previous PUBACK (up to `window` in flight per connection) and the messages the broker
 * acknowledged are kept, in the order acknowledged: those are what a test may demand to find in
 * the log. A PUBACK with an error reason code counts as refused. The default window is the
 * receive maximum the shipped broker grants publishers (max_inflight_messages).
 */
export class Qos1Publisher<M extends MqttMessage> {
  readonly acknowledged: M[] = [];
  refused = 0;

  private constructor(
    private readonly clients: MqttClient[],
    private readonly window: number,
  ) {}

  static async connect<M extends MqttMessage>(
    url: string,
    { connections = 4, window = 1_000 }: { connections?: number; window?: number } = {},
  ): Promise<Qos1Publisher<M>> {
    const clients = await Promise.all(
      Array.from({ length: connections }, () =>
        connectAsync(url, { protocolVersion: 5, reconnectPeriod: 500 }),
      ),
    );
    return new Qos1Publisher<M>(clients, window);
  }

  /** Publishes every message as fast as the connections take them; resolves once all are answered. */
  async publishAll(messages: readonly M[]): Promise<void> {
    let next = 0;
    await Promise.all(
      this.clients.map(async (client) => {
        const inFlight = new Set<Promise<void>>();
        while (next < messages.length) {
          await this.send(client, messages[next++]!, inFlight);
        }
        await Promise.all(inFlight);
      }),
    );
  }

  /**
   * Publishes `make(0)`, `make(1)`, ... at a steady `perSecond` until `count` were sent, spread
   * over the connections in turn; resolves once all are answered.
   */
  async publishAtRate(make: (n: number) => M, perSecond: number, count: number): Promise<void> {
    const started = Date.now();
    const inFlight = this.clients.map(() => new Set<Promise<void>>());
    for (let sent = 0; sent < count;) {
      const due = Math.min(count, Math.floor(((Date.now() - started) * perSecond) / 1_000));
      for (; sent < due; sent++) {
        const i = sent % this.clients.length;
        await this.send(this.clients[i]!, make(sent), inFlight[i]!);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(inFlight.flatMap((set) => [...set]));
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.clients.map((c) => c.endAsync()));
  }

  private async send(client: MqttClient, message: M, inFlight: Set<Promise<void>>): Promise<void> {
    while (inFlight.size >= this.window) await Promise.race(inFlight);
    const answered: Promise<void> = client
      .publishAsync(message.topic, message.payload, { qos: 1 })
      .then(
        () => void this.acknowledged.push(message),
        () => void (this.refused += 1),
      )
      .finally(() => inFlight.delete(answered));
    inFlight.add(answered);
  }
}
