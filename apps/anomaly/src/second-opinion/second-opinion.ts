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
import {
  checkSecondOpinion,
  readingsShown,
  SECOND_OPINION_INSTRUCTIONS,
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
  skippedRateLimited: number;
  skippedQueueFull: number;
  /** Asks that failed (model server down, invalid answers, budget): by code in the log. */
  failed: number;
  queued: number;
}

interface Job {
  twin: Pick<TwinState, 'twinId' | 'twinType' | 'name' | 'limits'>;
  window: ClosedWindow;
  open: OpenEpisode[];
}

/**
 * The opt-in AI second opinion (docs/ai.md): for a twin of an opted-in type, each closed window
 * of event time goes on a bounded queue (full: skipped and counted) while the worker follows live,
 * never while it replays. One ask at a time leaves the queue, off the detection path; a possible
 * anomaly is appended as AiFindingRecorded with an id from the twin and the window. Nothing here
 * opens an alert or changes what the detectors decide.
 */
export class SecondOpinion {
  private readonly windows: ReadingWindows;
  private readonly limit: HourlyLimit;
  private readonly types: Set<string>;
  /** Open episodes per twin (the detectors' current view), kept through replays too. */
  private readonly episodes = new Map<string, Map<string, OpenEpisode>>();
  private readonly twinsOf = new Map<number, Set<string>>();
  private readonly queue: Job[] = [];
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
    failed: 0,
  };

  constructor(
    private readonly settings: SecondOpinionSettings,
    private readonly assistant: Assistant,
    private readonly log: EventLog,
    private readonly now: Clock,
    private readonly logger: Pick<Logger, 'log' | 'warn'>,
    wallClockMs: () => number = Date.now,
  ) {
    this.types = new Set(assistant.enabled ? settings.twinTypes : []);
    this.windows = new ReadingWindows(settings.intervalMs);
    this.limit = new HourlyLimit(settings.perHour, wallClockMs);
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
      queued: this.queue.length,
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
    this.track(partition, twin.twinId);
    const open = this.openOf(twin.twinId);
    for (const change of changes) {
      if (change.kind === 'cleared') open.delete(change.episodeId);
      else
        open.set(change.episodeId, {
          detector: change.detector,
          property: change.property,
          severity: change.severity,
          since: open.get(change.episodeId)?.since ?? change.at,
        });
    }
    const window = this.windows.add(twin.twinId, event, readings);
    // Replayed readings rebuild the window; only a window closed while following live is asked.
    if (!window || silent) return;
    this.counts.windowsClosed += 1;
    if (this.queue.length >= this.settings.queue) {
      this.counts.skippedQueueFull += 1;
      return;
    }
    if (!this.limit.take()) {
      this.counts.skippedRateLimited += 1;
      return;
    }
    const { twinId, twinType, name, limits } = twin;
    this.queue.push({ twin: { twinId, twinType, name, limits }, window, open: [...open.values()] });
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  dropPartition(partition: number): void {
    for (const twinId of this.twinsOf.get(partition) ?? []) {
      this.windows.forget(twinId);
      this.episodes.delete(twinId);
    }
    this.twinsOf.delete(partition);
  }

  /** Takes no more; the ask in hand finishes (its finding appended) unless it outlasts `waitMs`. */
  async close(waitMs = 5_000): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
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
    for (let job = this.queue.shift(); job; job = this.queue.shift()) {
      await this.ask(job);
      if (this.closed) return;
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
          maxOutputTokens: 600,
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
