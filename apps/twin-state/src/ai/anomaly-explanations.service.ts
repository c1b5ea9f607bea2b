import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AI_ASSISTANT, type Assistant } from '@twinlog/ai';
import {
  actorOf,
  bounded,
  ownValue,
  stampEvents,
  TwinlogError,
  type AnomalyExplanation,
  type EventEnvelope,
  type EventOfType,
  type ExplanationView,
  type ModelCatalog,
  type TwinState,
} from '@twinlog/domain';
import type { EventLog } from '@twinlog/event-log';
import { CLOCK, EVENT_LOG, MODEL_CATALOG, type Clock } from '@twinlog/service-kit';
import type { SiteFilter } from '../queries/relatives';
import { KeyedSerialQueue } from '../state/keyed-serial-queue';
import { WholeDirectory } from '../replicas/whole-directory';
import { LiveTwins } from '../state/live-twins';
import { TwinTelemetry } from '../telemetry/twin-telemetry.service';
import {
  explanationFacts,
  FACT_LIMITS,
  modelledProperties,
  RELATED_WITHIN_MS,
  relativesOf,
  STATISTICS_EVERY_MS,
  statisticsRange,
} from './explanation-facts';
import {
  EXPLAIN_INSTRUCTIONS,
  EXPLAIN_PROMPT_VERSION,
  EXPLAIN_TASK,
  EXPLANATION_ANSWER,
} from './explanation-prompt';

type Detected = EventEnvelope<EventOfType<'AnomalyDetected'>>;
type Cleared = EventEnvelope<EventOfType<'AnomalyCleared'>>;
type Escalated = EventEnvelope<EventOfType<'AnomalyEscalated'>>;
type Explained = EventEnvelope<EventOfType<'AnomalyExplained'>>;

export interface ExplainRequest {
  refresh: boolean;
  actor: string | undefined;
  correlationId: string | undefined;
  see: SiteFilter;
  /** Who asks, for the per-caller rate (the principal; one shared caller without auth). */
  caller: string;
  /** Aborts when the caller leaves: the ask stops, and nothing is recorded. */
  signal?: AbortSignal;
}

/** An explanation is a summary and a few short lists: about 500 tokens, capped with room. */
const EXPLAIN_MAX_OUTPUT_TOKENS = 800;

function callerLeftBeforeRecording(): TwinlogError {
  return new TwinlogError(
    'AI_UNAVAILABLE',
    'the caller left before the explanation was recorded; nothing was recorded',
    { reason: 'cancelled' },
  );
}

/** Episode ids longer than any the workers make are no episode (and are not echoed whole). */
const MAX_EPISODE_ID = 512;

interface Episode {
  twin: TwinState;
  detected: Detected;
  /** Each time its severity rose, in order. */
  escalations: Escalated[];
  cleared: Cleared | undefined;
  latest: Explained | undefined;
}

/**
 * Explaining an anomaly (docs/ai.md): the episode found through the index, Twinlog's facts about
 * it sent to the model as data, the validated answer recorded as AnomalyExplained (causation:
 * the AnomalyDetected event; producer: who asked). Asks for one episode run one at a time, so a
 * second POST while the first is out gets the first's explanation instead of paying again.
 */
@Injectable()
export class AnomalyExplanations {
  private readonly queue = new KeyedSerialQueue();

  constructor(
    private readonly live: LiveTwins,
    private readonly whole: WholeDirectory,
    private readonly telemetry: TwinTelemetry,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(AI_ASSISTANT) private readonly assistant: Assistant,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The latest recorded explanation, or ANOMALY_NOT_FOUND / EXPLANATION_NOT_FOUND. */
  async get(episodeId: string, see: SiteFilter): Promise<ExplanationView> {
    const episode = await this.episode(episodeId, see);
    if (!episode.latest) {
      throw new TwinlogError(
        'EXPLANATION_NOT_FOUND',
        `Anomaly ${bounded(episodeId)} has no explanation yet: POST /v1/anomalies/{episodeId}/explanation asks for one`,
        { episodeId: bounded(episodeId) },
      );
    }
    return viewOf(episode, episode.latest);
  }

  /** The recorded explanation (created: false) unless `refresh`, else a new one, recorded. */
  explain(
    episodeId: string,
    request: ExplainRequest,
  ): Promise<{ created: boolean; view: ExplanationView }> {
    // Off says so before anything else: nothing of the plant is read for an ask that cannot run.
    try {
      this.assistant.assertOn();
    } catch (error) {
      return Promise.reject(error as Error);
    }
    // The ask's deadline counts from here: a wait behind an earlier ask of the episode is in it.
    const since = Date.now();
    return this.queue.run(episodeId, async () => {
      const episode = await this.episode(episodeId, request.see);
      if (episode.latest && !request.refresh)
        return { created: false, view: viewOf(episode, episode.latest) };
      const answer = await this.assistant.ask(
        {
          name: EXPLAIN_TASK,
          schema: EXPLANATION_ANSWER,
          instructions: EXPLAIN_INSTRUCTIONS,
          data: {
            ...(await this.facts(episode, request.see)),
            // A refresh shows the model what it said before: a fresh look, and never the
            // cache's copy of the same ask.
            ...(episode.latest ? { previousExplanation: previousOf(episode.latest) } : {}),
          },
          maxOutputTokens: EXPLAIN_MAX_OUTPUT_TOKENS,
        },
        {
          caller: request.caller,
          refresh: request.refresh,
          since,
          ...(request.signal ? { signal: request.signal } : {}),
        },
      );
      // The caller left as the answer came: nobody saw it, so nothing is recorded.
      if (request.signal?.aborted) throw callerLeftBeforeRecording();
      const data: AnomalyExplanation = {
        episodeId,
        anomalyEventId: episode.detected.id,
        ...answer.value,
        model: answer.model,
        promptVersion: EXPLAIN_PROMPT_VERSION,
      };
      const now = this.clock();
      const commandId = randomUUID();
      const [event] = stampEvents(
        episode.twin.twinId,
        [{ type: 'AnomalyExplained', occurredAt: now, data }],
        {
          commandId,
          correlationId: request.correlationId ?? commandId,
          causationId: episode.detected.id,
          producer: `twin-state${request.actor ? `/${request.actor}` : ''}`,
          now,
        },
      );
      await this.log.append([event!]);
      return {
        created: true,
        view: viewOf(episode, event as Recorded),
      };
    });
  }

  /** The episode, its twin (one the caller may see) and its latest explanation, from the log. */
  private async episode(episodeId: string, see: SiteFilter): Promise<Episode> {
    const missing = () =>
      new TwinlogError('ANOMALY_NOT_FOUND', `No anomaly episode ${bounded(episodeId)}`, {
        episodeId: bounded(episodeId),
      });
    if (episodeId.length === 0 || episodeId.length > MAX_EPISODE_ID) throw missing();
    // Requests about an episode reach its twin's owner (shared replicas): its live state has it.
    const twinId = this.live.episodes.twinOf(episodeId, (id) => this.live.get(id) !== undefined);
    const twin = twinId === undefined ? undefined : this.live.get(twinId);
    // Another site's anomaly and no anomaly at all answer alike.
    if (!twin || !see(twin.site)) throw missing();
    const events = await this.log.readStream(twin.twinId, {
      streams: ['twin-events'],
      types: ['AnomalyDetected', 'AnomalyEscalated', 'AnomalyCleared', 'AnomalyExplained'],
    });
    let detected: Detected | undefined;
    const escalations: Escalated[] = [];
    let cleared: Cleared | undefined;
    let latest: Explained | undefined;
    for (const event of events) {
      if (event.type === 'AnomalyDetected' && event.data.episodeId === episodeId)
        detected ??= event;
      else if (event.type === 'AnomalyEscalated' && event.data.episodeId === episodeId)
        escalations.push(event);
      else if (event.type === 'AnomalyCleared' && event.data.episodeId === episodeId)
        cleared = event;
      else if (event.type === 'AnomalyExplained' && event.data.episodeId === episodeId)
        latest = event;
    }
    if (!detected) throw missing();
    return { twin, detected, escalations, cleared, latest };
  }

  /** Twinlog's facts about the episode: the data block of the ask. */
  private async facts(episode: Episode, see: SiteFilter): Promise<Record<string, unknown>> {
    const { twin, detected, escalations, cleared } = episode;
    const model = this.catalog.has(twin.twinType, twin.modelVersion)
      ? this.catalog.get(twin.twinType, twin.modelVersion)
      : undefined;
    const properties = modelledProperties(detected.data.properties, model);
    const range = statisticsRange(detected.occurredAt, cleared?.occurredAt, this.clock());
    const series =
      properties.length === 0
        ? []
        : await this.telemetry.windows(
            twin.twinId,
            properties,
            range.from,
            range.to,
            STATISTICS_EVERY_MS,
          );
    const { parent, siblings, ancestors, children } = relativesOf(
      twin,
      // Relatives may be other replicas' twins: the directory knows their hierarchy and episodes.
      (id) => this.live.get(id) ?? this.whole.get(id),
      see,
    );
    const neighbours = new Set([
      ...(parent ? [parent.twinId] : []),
      ...siblings.map((s) => s.twinId),
    ]);
    return explanationFacts({
      detected,
      escalations,
      cleared,
      twin,
      model,
      statistics: {
        ...range,
        everyMs: STATISTICS_EVERY_MS,
        series: series.map((s) => ({
          property: s.property,
          unit: (model && ownValue(model.properties, s.property)?.unit) ?? '',
          windows: s.windows,
        })),
      },
      ancestors,
      parent,
      siblings,
      children,
      related: (this.whole.size > 0 ? this.whole.episodes : this.live.episodes).near(
        neighbours,
        detected.occurredAt,
        RELATED_WITHIN_MS,
        FACT_LIMITS.related,
      ),
    });
  }
}

function previousOf(event: Explained) {
  const { summary, likelyCauses, checkFirst, model } = event.data;
  return { summary, likelyCauses, checkFirst, model, explainedAt: event.occurredAt };
}

type Recorded = Pick<Explained, 'id' | 'occurredAt' | 'producer' | 'data'>;

function viewOf(episode: Episode, event: Recorded): ExplanationView {
  return {
    ...event.data,
    twinId: episode.twin.twinId,
    eventId: event.id,
    explainedAt: event.occurredAt,
    actor: actorOf(event.producer),
    anomaly: {
      detector: episode.detected.data.detector,
      properties: episode.detected.data.properties,
      severity: episode.escalations.at(-1)?.data.severity ?? episode.detected.data.severity,
      detectedAt: episode.detected.occurredAt,
      clearedAt: episode.cleared?.occurredAt ?? null,
    },
  };
}
