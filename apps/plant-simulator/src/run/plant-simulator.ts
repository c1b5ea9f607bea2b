import {
  plantClock,
  plantTimeAt,
  wallTimeFor,
  type MaintenanceRecord,
  type PlantClock,
  type SimReading,
} from '@twinlog/plant-sim';
import { backoffMs, sleep, TransientError } from '../senders/backoff';
import { HttpSender } from '../senders/http-sender';
import { MqttSender } from '../senders/mqtt-sender';
import {
  BatchTooLargeError,
  type BatchOutcome,
  type ReadingSender,
} from '../senders/reading-sender';
import { TwinStateClient } from '../twin-state/twin-state-client';
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

class SimulatorRun implements RunningSimulator {
  readonly plan: RunPlan;
  readonly stats: SimulatorStats;
  readonly done: RunningSimulator['done'];
  private readonly log: (line: string) => void;
  private readonly twinState: TwinStateClient | undefined;
  private sender: ReadingSender | undefined;
  private clock!: PlantClock;
  private queue: SimReading[] = [];
  private inFlight = 0;
  private stopping = false;
  /** Aborted when the drain timeout runs out: retries and waits give up. */
  private readonly hardStop = new AbortController();
  private readonly wake = new AbortController();
  private maintenance: Promise<void> = Promise.resolve();
  private registered = new Set<string>();
  private graceUntilMs = 0;
  private readonly codesSeen = new Set<string>();
  /** Readings given up on when the drain timeout ran out. */
  private unsent = 0;

  constructor(
    private readonly options: SimulatorOptions,
    wallNowMs: number,
  ) {
    this.plan = planRun(options, wallNowMs);
    this.stats = emptyStats(wallNowMs);
    this.log = options.log ?? (() => undefined);
    const wantsTwinState = options.register || options.maintenance;
    this.twinState = wantsTwinState
      ? new TwinStateClient(options.twinState ?? DEFAULTS.twinState)
      : undefined;
    this.done = this.run().then(
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

  private async run(): Promise<string | null> {
    const progress = setInterval(
      () => this.report(),
      this.options.progressEveryMs ?? DEFAULTS.progressEveryMs,
    );
    try {
      if (this.options.register) await this.registerPlant();
      if (this.hardStop.signal.aborted || this.stopping) return null;
      this.sender = this.openSender();
      if (this.options.mqtt && this.stats.registered > 0) {
        await sleep(DEFAULTS.registrationSettleMs, this.hardStop.signal);
      }
      this.stats.state = 'running';
      // Anchored where the plan was made: time spent registering is caught up, not added on.
      this.clock = plantClock(this.plan.plantStartMs, this.stats.startedAtMs, this.plan.speed);
      await this.pump();
      await this.maintenance;
      return null;
    } finally {
      clearInterval(progress);
      await this.sender?.close();
    }
  }

  private async registerPlant(): Promise<void> {
    const client = this.twinState!;
    for (const twin of this.plan.registrations) {
      const result = await this.retrying(() => client.register(twin));
      if (!result.done) return;
      this.registered.add(twin.twinId);
      if (result.value === 'registered') this.stats.registered++;
      else this.stats.alreadyRegistered++;
    }
    this.graceUntilMs = Date.now() + DEFAULTS.registrationGraceMs;
    this.log(
      `registered ${this.stats.registered} twins (${this.stats.alreadyRegistered} were already) with ${client.name}`,
    );
  }

  private openSender(): ReadingSender {
    const { mqtt } = this.options;
    if (!mqtt) return new HttpSender(this.options.target ?? DEFAULTS.target);
    return new MqttSender({
      url: mqtt.url,
      topic: mqtt.topic ?? DEFAULTS.mqttTopic,
      site: this.plan.site,
      clientId: mqtt.clientId ?? `twinlog-plant-simulator-${process.pid}-${this.stats.startedAtMs}`,
      onTrouble: (message) => this.setTrouble(message),
    });
  }

  /** Takes samples as they come due and keeps up to `concurrency` batches in flight. */
  private async pump(): Promise<void> {
    const batchSize = this.options.batchSize ?? DEFAULTS.batchSize;
    const concurrency = this.options.concurrency ?? DEFAULTS.concurrency;
    const inFlight = new Set<Promise<void>>();
    for (;;) {
      if (this.hardStop.signal.aborted) break;
      const now = Date.now();
      this.stats.elapsedMs = now - this.stats.startedAtMs;
      if (!this.stopping && this.finished(now)) this.stopping = true;
      if (!this.stopping) this.fill(now, batchSize * concurrency);
      if (this.queue.length > 0 && inFlight.size < concurrency) {
        const delivery: Promise<void> = this.deliver(this.queue.splice(0, batchSize)).finally(() =>
          inFlight.delete(delivery),
        );
        inFlight.add(delivery);
        continue;
      }
      if (this.queue.length === 0 && inFlight.size === 0 && this.stopping) break;
      const waits: Array<Promise<unknown>> = [...inFlight];
      if (!this.stopping) waits.push(sleep(this.untilNextDue(now), this.wake.signal));
      await Promise.race(waits.length > 0 ? waits : [sleep(50, this.hardStop.signal)]);
    }
    await Promise.allSettled(inFlight);
  }

  private finished(now: number): boolean {
    const { durationMs, maxReadings } = this.options;
    return (
      (durationMs !== undefined && now - this.stats.startedAtMs >= durationMs) ||
      (maxReadings !== undefined && this.stats.generated >= maxReadings) ||
      this.plan.source.peek() === undefined
    );
  }

  private fill(now: number, bound: number): void {
    const { source } = this.plan;
    const { maxReadings } = this.options;
    for (;;) {
      const next = source.peek();
      if (next === undefined || wallTimeFor(this.clock, next) > now || this.queue.length >= bound)
        break;
      const sample = source.take();
      let readings = sample.readings;
      if (maxReadings !== undefined)
        readings = readings.slice(0, maxReadings - this.stats.generated);
      this.queue.push(...readings);
      this.stats.generated += readings.length;
      this.stats.plantTime = new Date(sample.atMs).toISOString();
      for (const note of sample.notes) this.log(`${note.at} ${note.twinId}: ${note.message}`);
      for (const record of sample.maintenance) this.recordMaintenance(record);
      if (maxReadings !== undefined && this.stats.generated >= maxReadings) break;
    }
    const next = source.peek();
    this.stats.behindMs = next === undefined ? 0 : Math.max(0, plantTimeAt(this.clock, now) - next);
    this.stats.pending = this.queue.length + this.inFlight;
  }

  private untilNextDue(now: number): number {
    const next = this.plan.source.peek();
    if (next === undefined) return 200;
    return Math.min(1_000, Math.max(1, wallTimeFor(this.clock, next) - now));
  }

  private async deliver(batch: SimReading[]): Promise<void> {
    this.inFlight += batch.length;
    try {
      await this.deliverAll(batch);
    } finally {
      this.inFlight -= batch.length;
    }
  }

  /** Delivers a batch, retrying what can be retried, until it is answered or the run gives up. */
  private async deliverAll(batch: SimReading[]): Promise<void> {
    let pending = batch;
    let attempt = 0;
    while (pending.length > 0) {
      if (this.hardStop.signal.aborted) {
        this.unsent += pending.length;
        return;
      }
      let outcome: BatchOutcome;
      try {
        outcome = await this.sender!.send(pending);
      } catch (error) {
        if (error instanceof BatchTooLargeError && pending.length > 1) {
          const half = Math.ceil(pending.length / 2);
          this.log(`${error.message}: sending halves of ${half}`);
          await this.deliverAll(pending.slice(0, half));
          await this.deliverAll(pending.slice(half));
          return;
        }
        if (!(error instanceof TransientError)) throw error;
        this.stats.retries++;
        this.setTrouble(error.message);
        await sleep(error.retryAfterMs ?? backoffMs(attempt++), this.hardStop.signal);
        continue;
      }
      if (!this.options.mqtt) this.setTrouble(null);
      attempt = 0;
      pending = this.account(pending.length, outcome);
      if (pending.length > 0) await sleep(250, this.hardStop.signal);
    }
  }

  /** Counts the verdicts; returns readings to send again (twins this run just registered). */
  private account(size: number, outcome: BatchOutcome): SimReading[] {
    const again: SimReading[] = [];
    const inGrace = Date.now() < this.graceUntilMs;
    for (const r of outcome.rejected) {
      if (inGrace && r.code === 'TWIN_NOT_FOUND' && this.registered.has(r.reading.twinId)) {
        again.push(r.reading);
        continue;
      }
      this.stats.rejected++;
      this.stats.rejectedByCode[r.code] = (this.stats.rejectedByCode[r.code] ?? 0) + 1;
      if (!this.codesSeen.has(r.code)) {
        this.codesSeen.add(r.code);
        this.log(
          `rejected ${r.reading.twinId}/${r.reading.property} at ${r.reading.time}: ${r.code} ${r.message} (further ${r.code} only counted)`,
        );
      }
    }
    if (again.length > 0) this.stats.retries++;
    this.stats.sent += size - again.length;
    this.stats.accepted += outcome.accepted;
    this.stats.duplicates += outcome.duplicates;
    return again;
  }

  private recordMaintenance(record: MaintenanceRecord): void {
    const client = this.twinState;
    if (!client || this.options.maintenance === false) return;
    this.maintenance = this.maintenance.then(async () => {
      try {
        const result = await this.retrying(() => client.recordMaintenance(record));
        if (result.done) this.stats.maintenanceRecorded++;
        else this.stats.maintenanceFailed++;
      } catch (error) {
        this.stats.maintenanceFailed++;
        this.log(`maintenance not recorded: ${(error as Error).message}`);
      }
    });
  }

  /** Runs an attempt until it succeeds or fails for good; `done: false` if the run gave up waiting. */
  private async retrying<T>(
    attempt: () => Promise<T>,
  ): Promise<{ done: true; value: T } | { done: false }> {
    for (let n = 0; !this.hardStop.signal.aborted; n++) {
      try {
        const value = await attempt();
        this.setTrouble(null);
        return { done: true, value };
      } catch (error) {
        if (!(error instanceof TransientError)) throw error;
        this.stats.retries++;
        this.setTrouble(error.message);
        await sleep(error.retryAfterMs ?? backoffMs(n), this.hardStop.signal);
      }
    }
    return { done: false };
  }

  private setTrouble(message: string | null): void {
    if (message === this.stats.trouble) return;
    if (message) this.log(`${message}; retrying with backoff, nothing is dropped`);
    else if (this.stats.trouble) this.log('target answering again');
    this.stats.trouble = message;
  }

  private report(): void {
    this.stats.elapsedMs = Date.now() - this.stats.startedAtMs;
    this.stats.pending = this.queue.length + this.inFlight;
    this.options.onProgress?.(this.stats);
  }

  private finish(): SimulatorStats {
    this.stats.elapsedMs = Date.now() - this.stats.startedAtMs;
    this.stats.pending = this.queue.length + this.unsent;
    this.stats.state = 'stopped';
    this.options.onProgress?.(this.stats);
    return { ...this.stats, rejectedByCode: { ...this.stats.rejectedByCode } };
  }

  private drainTimeoutMs(): number {
    return this.options.drainTimeoutMs ?? DEFAULTS.drainTimeoutMs;
  }
}
