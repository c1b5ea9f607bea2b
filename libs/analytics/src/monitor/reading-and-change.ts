import type { AnomalyEvidence, Severity } from '@twinlog/domain';

// What a monitor and its parts read and report; apart from monitor-types, which holds the
// parts' checkpoints, so the parts need not import it back.

export interface MonitoredReading {
  property: string;
  value: number;
  /** Event time, epoch ms. */
  at: number;
  readingId: string;
}

export type AnomalyChange =
  | {
      /** `escalated`: an open episode got worse, its severity rose (never falls within one). */
      kind: 'detected' | 'escalated';
      /** Deterministic: the same input always opens the same episode (replays and takeovers dedupe). */
      episodeId: string;
      detector: string;
      property: string;
      score: number;
      severity: Severity;
      evidence: AnomalyEvidence[];
      at: number;
    }
  | { kind: 'cleared'; episodeId: string; detector: string; property: string; at: number };
