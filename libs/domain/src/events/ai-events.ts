/**
 * The AI layer's events (issue 22, docs/adr/0022): notes and findings about a twin, never its
 * state. Twin state folds neither into the twin's values; alerting folds AnomalyExplained into
 * the alert of its episode and ignores AiFindingRecorded (an AI finding never opens an alert).
 */

/** Bounds of the texts and lists, so a model's answer can never bloat the log. */
export const AI_TEXT_LIMITS = {
  summary: 1_000,
  item: 300,
  items: 5,
  properties: 20,
  model: 200,
  promptVersion: 50,
  askText: 2_000,
} as const;

/** A model's explanation of an anomaly episode; causationId = the AnomalyDetected event's id. */
export interface AnomalyExplanation {
  episodeId: string;
  anomalyEventId: string;
  summary: string;
  likelyCauses: Array<{ cause: string; why: string }>;
  checkFirst: string[];
  model: string;
  promptVersion: string;
}

/** What the opt-in second opinion flagged in a window of readings: labelled, never an anomaly. */
export interface AiFinding {
  source: 'ai-second-opinion';
  verdict: 'possible-anomaly';
  properties: string[];
  summary: string;
  window: { from: string; to: string };
  /** How many readings the model was shown. */
  readings: number;
  model: string;
  promptVersion: string;
}

/** The plain words a what-if run was asked in, and the model that turned them into a scenario. */
export interface SimulationAsk {
  text: string;
  model: string;
}

export type AiEvent =
  | { type: 'AnomalyExplained'; data: AnomalyExplanation }
  | { type: 'AiFindingRecorded'; data: AiFinding };
