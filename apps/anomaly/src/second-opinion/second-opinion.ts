import type { Logger } from '@nestjs/common';
import type { Assistant } from '@twinlog/ai';
import type { AnomalyChange } from '@twinlog/analytics';
import { AI_TEXT_LIMITS, TwinlogError, type TwinState } from '@twinlog/domain';
import type { EventLog } from '@twinlog/event-log';
import type { Clock } from '@twinlog/service-kit';
import type { AnomalyConfig } from '../config/anomaly.config';
import { aiFindingEvent } from './ai-finding-event';
import { HourlyLimit } from './hourly-limit';
import { ReadingWindows, type ClosedWindow, type WindowReading } from './reading-windows';
import { WaitingWindows, type DropReason } from './waiting-windows';
import {
  checkSecondOpinion,
  readingsShown,
  SECOND_OPINION_INSTRUCTIONS,
  SECOND_OPINION_MAX_OUTPUT_TOKENS,
  SECOND_OPINION_PROMPT_VERSION,
  secondOpinionAnswer,
  secondOpinionData,
  type OpenEpisode,
} from './second-opinion-ask';

export type SecondOpinionSettings = AnomalyConfig['secondOpinion'];

/** What GET /v1/worker shows of the second opinion. */
export interface SecondOpinionStats {
  /** On: AI on and at least one twin type opted in. */
  enabled: boolean;
  twinTypes: string[];
  intervalSeconds: number;
  perHour: number;
  /** Windows of opted-in twins that closed while following live. */
  windowsClosed: number;
  /** Asks that reached the model (a cached answer counts: it was asked). */
  asked: number;
  nothingUnusual: number;
  possibleAnomalies: number;
  /** AiFindingRecorded newly appended (a finding already in the log is not counted again). */
  findingsAppended: number;
  /** Windows held by the hourly limit until they were stale (see skippedStale). */
  skippedRateLimited: number;
  skippedQueueFull: number;
  /** Windows ending more than one interval before their twin's newest reading (a backlog after an outage). */
  skippedStale: number;
  /** Asks that failed (model server down, invalid answers, budget): by code in the log. */
  failed: number;
  queued: number;
}

interface Job {
  twinId: string;
  twin: Pick<TwinState, 'twinId' | 'twinType' | 'name' | 'limits'>;
  window: ClosedWindow;
  open: OpenEpisode[];
}

/** At most one line a minute says how many stale windows were skipped (a backlog has thousands). */
const STALE_LOG_EVERY_MS = 60_000;

/**
 * The opt-in AI second opinion (docs/ai.md): for a twin of an opted-in type, each closed window
 * of event time waits on a bounded queue while the worker follows live, never while it replays.
 * One ask at a time leaves the queue, off the detection path, the twin asked longest ago first
 * and within the hourly limit; a window ending more than one interval before its twin's newest
 * reading is skipped (stale). A possible anomaly is appended as AiFindingRecorded with an id
 * from the twin and the window. Nothing here opens an alert or changes what the detectors decide.
 */
export class SecondOpinion {
  private readonly windows: ReadingWindows;
  private readonly limit: HourlyLimit;
  private readonly types: Set<string>;
  /** Open episodes per twin (the detectors' current view), kept through replays too. */
  private readonly episodes = new Map<string, Map<string, OpenEpisode>>();
  private readonly twinsOf = new Map<number, Set<string>>();
  private readonly waiting: WaitingWindows<Job>;
  /**
   * Each twin's newest reading (event time, epoch ms). Staleness is judged per twin: devices'
   * clocks differ, and one twin reporting in the present must not make another's live windows
   * (a gateway behind by minutes, a simulator catching up) look like a backlog.
   */
  private readonly newestOf = new Map<string, number>();
  private staleNotLogged = 0;
  private staleLoggedAt = -Infinity;
  private draining: Promise<void> | undefined;
  private closed = false;
  private readonly counts = {
    windowsClosed: 0,
    asked: 0,
    nothingUnusual: 0,
    possibleAnomalies: 0,
    findingsAppended: 0,
    skippedRateLimited: 0,
    skippedQueueFull: 0,
    skippedStale: 0,
    failed: 0,
  };

  constructor(
    private readonly settings: SecondOpinionSettings,
    private readonly assistant: Assistant,
    private readonly log: EventLog,
    private readonly now: Clock,
    private readonly logger: Pick<Logger, 'log' | 'warn'>,
    private readonly wallClockMs: () => number = Date.now,
  ) {
    this.types = new Set(assistant.enabled ? settings.twinTypes : []);
    this.windows = new ReadingWindows(settings.intervalMs);
    this.limit = new HourlyLimit(settings.perHour, wallClockMs);
    this.waiting = new WaitingWindows<Job>(settings.queue, (job, why) => this.dropped(job, why));
  }

  get enabled(): boolean {
    return this.types.size > 0;
  }

  get stats(): SecondOpinionStats {
    return {
      enabled: this.enabled,
      twinTypes: this.settings.twinTypes,
      intervalSeconds: this.settings.intervalMs / 1000,
      perHour: this.settings.perHour,
      ...this.counts,
      queued: this.waiting.size,
    };
  }

  /**
   * One telemetry event's readings of a twin and what its detectors made of them. Synchronous and
   * cheap: at most a window's figures and a push on the queue.
   */
  observe(
    partition: number,
    twin: TwinState,
    event: { id: string; correlationId: string },
    readings: readonly WindowReading[],
    changes: readonly AnomalyChange[],
    silent: boolean,
  ): void {
    if (!this.types.has(twin.twinType) || this.closed) return;
    let newest = this.newestOf.get(twin.twinId) ?? -Infinity;
    for (const reading of readings) if (reading.at > newest) newest = reading.at;
    this.newestOf.set(twin.twinId, newest);
    this.track(partition, twin.twinId);
    const open = this.openOf(twin.twinId);
    for (const change of changes) {
      const known = open.get(change.episodeId);
      if (change.kind === 'cleared') open.delete(change.episodeId);
      else if (change.kind === 'escalated') {
        if (known) open.set(change.episodeId, { ...known, severity: change.severity });
      } else
        open.set(change.episodeId, {
          detector: change.detector,
          property: change.property,
          severity: change.severity,
          since: known?.since ?? change.at,
        });
    }
    const window = this.windows.add(twin.twinId, event, readings);
    // Replayed readings rebuild the window; only a window closed while following live is asked.
    if (!window || silent) return;
    this.counts.windowsClosed += 1;
    const { twinId, twinType, name, limits } = twin;
    // Room first: a backlog's old windows leave before a fresh one could find the queue full.
    this.dropStale();
    this.waiting.add({
      twinId,
      twin: { twinId, twinType, name, limits },
      window,
      open: [...open.values()],
    });
    // A window left waiting by the hourly limit gets its turn when a later one closes.
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  dropPartition(partition: number): void {
    const twins = this.twinsOf.get(partition) ?? new Set<string>();
    for (const twinId of twins) {
      this.windows.forget(twinId);
      this.episodes.delete(twinId);
      this.newestOf.delete(twinId);
    }
    this.waiting.forget(twins);
    this.twinsOf.delete(partition);
  }

  /** Takes no more; the ask in hand finishes (its finding appended) unless it outlasts `waitMs`. */
  async close(waitMs = 5_000): Promise<void> {
    this.closed = true;
    this.waiting.clear();
    const draining = this.draining;
    if (!draining) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([draining, new Promise((r) => (timer = setTimeout(r, waitMs)))]);
    clearTimeout(timer);
  }

  /** Resolves once the queue is empty and no ask is out (tests). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    while (!this.closed) {
      this.dropStale();
      if (this.waiting.size === 0) return;
      // The hour's asks spent: what waits has its turn at a later window's close, if still fresh.
      if (!this.limit.take()) return this.waiting.heldByLimit();
      await this.ask(this.waiting.take()!);
    }
  }

  private dropStale(): void {
    this.waiting.dropEndingBefore(
      (twinId) => (this.newestOf.get(twinId) ?? -Infinity) - this.settings.intervalMs,
    );
    if (this.staleNotLogged === 0) return;
    const now = this.wallClockMs();
    if (now - this.staleLoggedAt < STALE_LOG_EVERY_MS) return;
    this.logger.log(
      `second opinion: skipped ${this.staleNotLogged} stale window(s), ending more than one interval before their twin's newest reading: a backlog is not asked about`,
    );
    this.staleNotLogged = 0;
    this.staleLoggedAt = now;
  }

  private dropped(_job: Job, why: DropReason): void {
    if (why === 'stale-after-limit') this.counts.skippedRateLimited += 1;
    else if (why === 'queue-full') this.counts.skippedQueueFull += 1;
    else {
      this.counts.skippedStale += 1;
      this.staleNotLogged += 1;
    }
  }

  private async ask({ twin, window, open }: Job): Promise<void> {
    try {
      this.counts.asked += 1;
      const answer = await this.assistant.ask(
        {
          name: 'second-opinion',
          schema: secondOpinionAnswer,
          instructions: SECOND_OPINION_INSTRUCTIONS,
          data: secondOpinionData(twin, window, open),
          check: checkSecondOpinion(window),
          maxOutputTokens: SECOND_OPINION_MAX_OUTPUT_TOKENS,
        },
        { background: true },
      );
      if (answer.value.verdict === 'nothing-unusual') {
        this.counts.nothingUnusual += 1;
        return;
      }
      this.counts.possibleAnomalies += 1;
      const event = aiFindingEvent(
        twin.twinId,
        window,
        {
          properties: [...new Set(answer.value.properties)],
          summary: answer.value.summary,
          readings: readingsShown(window),
          model: answer.model.slice(0, AI_TEXT_LIMITS.model),
          promptVersion: SECOND_OPINION_PROMPT_VERSION,
        },
        this.now(),
      );
      const { appended } = await this.log.append([event]);
      this.counts.findingsAppended += appended.length;
      if (appended.length > 0)
        this.logger.log(`second opinion: possible anomaly on ${twin.twinId} (${event.id})`);
    } catch (error) {
      this.counts.failed += 1;
      const code = error instanceof TwinlogError ? error.code : 'ERROR';
      this.logger.warn(
        `second opinion on ${twin.twinId} failed (${code}): ${(error as Error).message}`,
      );
    }
  }

  private track(partition: number, twinId: string): void {
    let twins = this.twinsOf.get(partition);
    if (!twins) this.twinsOf.set(partition, (twins = new Set()));
    twins.add(twinId);
  }

  private openOf(twinId: string): Map<string, OpenEpisode> {
    let open = this.episodes.get(twinId);
    if (!open) this.episodes.set(twinId, (open = new Map()));
    return open;
  }
}
