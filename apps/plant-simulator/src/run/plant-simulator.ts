import { plantClock } from '@twinlog/plant-sim';
import { sleep } from '../senders/backoff';
import { HttpSender } from '../senders/http-sender';
import { MqttSender } from '../senders/mqtt-sender';
import type { ReadingSender } from '../senders/reading-sender';
import { TwinStateClient } from '../twin-state/twin-state-client';
import { DueSamples } from './due-samples';
import { MaintenanceRecorder } from './maintenance-recorder';
import { PlantRegistration } from './plant-registration';
import { ReadingDelivery } from './reading-delivery';
import { RunContext } from './run-context';
import { planRun, type RunPlan } from './run-plan';
import { DEFAULTS, type SimulatorOptions } from './simulator-options';
import { emptyStats, type SimulatorStats } from './stats';

export interface RunningSimulator {
  readonly plan: RunPlan;
  /** Live counters (updated in place). */
  readonly stats: SimulatorStats;
  /** Settles when the run is over, with the final counters (`failure` set if it had to give up). */
  readonly done: Promise<SimulatorStats & { failure: string | null }>;
  /** Stops generating, delivers what is queued (up to the drain timeout), and resolves with the end. */
  stop(): Promise<SimulatorStats & { failure: string | null }>;
}

/**
 * Starts feeding a running Twinlog in this process: registers the plant's twins if asked, then
 * sends samples as their plant time comes due, never dropping one (a down target is retried
 * with backoff). Bad options throw PlantSimError at once; everything after is in `done`.
 */
export function startPlantSimulator(options: SimulatorOptions): RunningSimulator {
  return new SimulatorRun(options, Date.now());
}

/**
 * One run: its start (registration, the sender), its loop (samples as they come due, up to
 * `concurrency` batches in flight) and its end (drain, counters). The parts are DueSamples
 * (the pace), ReadingDelivery, PlantRegistration and MaintenanceRecorder.
 */
class SimulatorRun implements RunningSimulator {
  readonly plan: RunPlan;
  readonly stats: SimulatorStats;
  readonly done: RunningSimulator['done'];
  private readonly run: RunContext;
  private readonly registration: PlantRegistration | undefined;
  private readonly maintenance: MaintenanceRecorder | undefined;
  private sender: ReadingSender | undefined;
  private delivery: ReadingDelivery | undefined;
  private samples: DueSamples | undefined;
  private stopping = false;
  /** Aborted when the drain timeout runs out: retries and waits give up. */
  private readonly hardStop = new AbortController();
  private readonly wake = new AbortController();

  constructor(
    private readonly options: SimulatorOptions,
    wallNowMs: number,
  ) {
    this.plan = planRun(options, wallNowMs);
    this.stats = emptyStats(wallNowMs);
    this.run = new RunContext(this.stats, options.log ?? (() => undefined), this.hardStop.signal);
    const twinState =
      options.register || options.maintenance
        ? new TwinStateClient(options.twinState ?? DEFAULTS.twinState, options.apiKey)
        : undefined;
    if (twinState && options.register) {
      this.registration = new PlantRegistration(this.run, twinState);
    }
    if (twinState && options.maintenance !== false) {
      this.maintenance = new MaintenanceRecorder(this.run, twinState);
    }
    this.done = this.runToEnd().then(
      (failure) => ({ ...this.finish(), failure }),
      (error: unknown) => ({ ...this.finish(), failure: (error as Error).message }),
    );
  }

  stop(): RunningSimulator['done'] {
    if (!this.stopping) {
      this.stopping = true;
      this.wake.abort();
      const timer = setTimeout(() => this.hardStop.abort(), this.drainTimeoutMs());
      void this.done.finally(() => clearTimeout(timer));
    }
    return this.done;
  }

  private async runToEnd(): Promise<string | null> {
    const progress = setInterval(
      () => this.report(),
      this.options.progressEveryMs ?? DEFAULTS.progressEveryMs,
    );
    try {
      if (this.registration) await this.registration.registerAll(this.plan.registrations);
      if (this.hardStop.signal.aborted || this.stopping) return null;
      this.sender = this.openSender();
      this.delivery = new ReadingDelivery(
        this.run,
        this.sender,
        this.options.mqtt !== undefined,
        this.registration,
      );
      if (this.options.mqtt && this.stats.registered > 0) {
        await sleep(DEFAULTS.registrationSettleMs, this.hardStop.signal);
      }
      this.stats.state = 'running';
      // Anchored where the plan was made: time spent registering is caught up, not added on.
      const clock = plantClock(this.plan.plantStartMs, this.stats.startedAtMs, this.plan.speed);
      this.samples = new DueSamples(this.run, this.plan, clock, this.options.maxReadings, (r) =>
        this.maintenance?.record(r),
      );
      await this.pump(this.samples, this.delivery);
      await this.maintenance?.settled();
      return null;
    } finally {
      clearInterval(progress);
      await this.sender?.close();
    }
  }

  private openSender(): ReadingSender {
    const { mqtt } = this.options;
    if (!mqtt) return new HttpSender(this.options.target ?? DEFAULTS.target, this.options.apiKey);
    return new MqttSender({
      url: mqtt.url,
      ...(mqtt.username !== undefined ? { username: mqtt.username } : {}),
      ...(mqtt.password !== undefined ? { password: mqtt.password } : {}),
      topic: mqtt.topic ?? DEFAULTS.mqttTopic,
      site: this.plan.site,
      clientId: mqtt.clientId ?? `twinlog-plant-simulator-${process.pid}-${this.stats.startedAtMs}`,
      onTrouble: (message) => this.run.setTrouble(message),
    });
  }

  /** Takes samples as they come due and keeps up to `concurrency` batches in flight. */
  private async pump(samples: DueSamples, delivery: ReadingDelivery): Promise<void> {
    const batchSize = this.options.batchSize ?? DEFAULTS.batchSize;
    const concurrency = this.options.concurrency ?? DEFAULTS.concurrency;
    const flushEveryMs = this.options.flushEveryMs ?? DEFAULTS.flushEveryMs;
    const { queue } = samples;
    const inFlight = new Set<Promise<void>>();
    let sentAt = 0;
    for (;;) {
      if (this.hardStop.signal.aborted) break;
      const now = Date.now();
      this.stats.elapsedMs = now - this.stats.startedAtMs;
      if (!this.stopping && this.finished(now, samples)) this.stopping = true;
      if (!this.stopping) {
        samples.fill(now, batchSize * concurrency);
        this.stats.pending = queue.length + this.inFlight();
      }
      // Held for the flush interval, unless a batch is full or the run is ending.
      const held = !this.stopping && queue.length < batchSize && now - sentAt < flushEveryMs;
      if (queue.length > 0 && inFlight.size < concurrency && !held) {
        sentAt = now;
        const batch = queue.splice(0, batchSize);
        const sent: Promise<void> = delivery.deliver(batch).finally(() => inFlight.delete(sent));
        inFlight.add(sent);
        continue;
      }
      if (queue.length === 0 && inFlight.size === 0 && this.stopping) break;
      const waits: Array<Promise<unknown>> = [...inFlight];
      if (!this.stopping) {
        // Held readings wake the pump when their interval ends (a free slot would take them).
        const flushIn =
          held && queue.length > 0 && inFlight.size < concurrency
            ? sentAt + flushEveryMs - now
            : Infinity;
        waits.push(sleep(Math.min(samples.untilNextDue(now), flushIn), this.wake.signal));
      }
      await Promise.race(waits.length > 0 ? waits : [sleep(50, this.hardStop.signal)]);
    }
    await Promise.allSettled(inFlight);
  }

  private finished(now: number, samples: DueSamples): boolean {
    const { durationMs } = this.options;
    return (
      (durationMs !== undefined && now - this.stats.startedAtMs >= durationMs) ||
      samples.exhausted()
    );
  }

  private queued(): number {
    return this.samples?.queue.length ?? 0;
  }

  private inFlight(): number {
    return this.delivery?.inFlight ?? 0;
  }

  private report(): void {
    this.stats.elapsedMs = Date.now() - this.stats.startedAtMs;
    this.stats.pending = this.queued() + this.inFlight();
    this.options.onProgress?.(this.stats);
  }

  private finish(): SimulatorStats {
    this.stats.elapsedMs = Date.now() - this.stats.startedAtMs;
    this.stats.pending = this.queued() + (this.delivery?.unsent ?? 0);
    this.stats.state = 'stopped';
    this.options.onProgress?.(this.stats);
    return { ...this.stats, rejectedByCode: { ...this.stats.rejectedByCode } };
  }

  private drainTimeoutMs(): number {
    return this.options.drainTimeoutMs ?? DEFAULTS.drainTimeoutMs;
  }
}
