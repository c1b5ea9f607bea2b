import type { AnomalyExplanation } from './ai-events';

/*
 * The AI layer's answers on the wire (docs/ai.md), defined once for the services that answer
 * them, the CLI and the dashboard that read them.
 */

/** A recorded explanation: the AnomalyExplained event's data, which twin, which event, by whom. */
export interface RecordedExplanation extends AnomalyExplanation {
  twinId: string;
  /** The AnomalyExplained event. */
  eventId: string;
  explainedAt: string;
  /** Who asked (the caller's principal); null without authentication. */
  actor: string | null;
}

/** `GET`/`POST /v1/anomalies/{episodeId}/explanation`: the recorded explanation and its anomaly. */
export interface ExplanationView extends RecordedExplanation {
  anomaly: {
    detector: string;
    properties: string[];
    severity: string;
    detectedAt: string;
    clearedAt: string | null;
  };
}

/** `GET /v1/ai`: whether AI assistance is on, and with what (never the key or a URL's path). */
export type AiStatus =
  | {
      enabled: true;
      model: string;
      /** Only the host of OPENAI_BASE_URL: never a path, a credential or the key. */
      baseUrlHost: string;
      /** The interactive asks' budget (explain, ask, report) of this process's UTC day. */
      usedTokensToday: number;
      dailyTokens: number;
      /** The second opinion's own share (TWINLOG_AI_SECOND_OPINION_DAILY_TOKENS). */
      background: { usedTokensToday: number; dailyTokens: number };
      maxConcurrent: number;
      /** TWINLOG_AI_ASK_DEADLINE_MS: the longest an ask waits, queue and retries included. */
      askDeadlineMs: number;
      /** TWINLOG_AI_ASKS_PER_CALLER_PER_HOUR: a caller's asks that reach the model in an hour. */
      asksPerCallerPerHour: number;
    }
  | { enabled: false; reason: string; howToEnable: string };
