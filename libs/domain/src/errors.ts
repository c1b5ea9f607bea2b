/**
 * The one error mechanism of Twinlog: a stable machine-readable code, a plain message, and
 * details for the caller. Apps map codes to HTTP statuses in one place.
 */
export const ERROR_CODES = [
  'MODEL_INVALID',
  'MODEL_UNKNOWN',
  'TWIN_ID_INVALID',
  'TWIN_NOT_FOUND',
  'TWIN_ALREADY_REGISTERED',
  'TWIN_RETIRED',
  'PARENT_NOT_FOUND',
  'CHILD_NOT_ALLOWED',
  'HIERARCHY_CYCLE',
  'PROPERTY_UNKNOWN',
  /** A reading of a property Twinlog derives (the process figures): only its producer writes it. */
  'PROPERTY_DERIVED',
  'VALUE_INVALID',
  'UNIT_MISMATCH',
  'LIMITS_INVALID',
  'TIMESTAMP_IMPLAUSIBLE',
  'REVISION_CONFLICT',
  'EVENT_INVALID',
  'COMMAND_INVALID',
  'EVENT_VERSION_UNSUPPORTED',
  'SCENARIO_INVALID',
  'PHYSICS_MODEL_MISSING',
  /** A number outside its property's physical range (model/physical-range.ts). */
  'VALUE_OUT_OF_BOUNDS',
  /** Retiring a twin whose children are still active: retire (or move) them first. */
  'CHILDREN_ACTIVE',
  /** Registering a twin under a retired parent. */
  'PARENT_RETIRED',
  'SITE_FORBIDDEN',
  // A run whose values leave the model's range or the finite numbers (issue 15).
  'SIMULATION_OUT_OF_RANGE',
  // A run needing more integration steps than the service allows (issue 15).
  'SIMULATION_TOO_COSTLY',
  // Alerting (issue 20, docs/adr/0019).
  'ALERT_NOT_FOUND',
  /** Acknowledging, assigning or resolving an alert that is resolved already. */
  'ALERT_RESOLVED',
  'ALERT_ALREADY_ACKNOWLEDGED',
  'CHANNEL_NOT_FOUND',
  /** Deleting a channel a rule still names (in its channels or an escalation step). */
  'CHANNEL_IN_USE',
  /** Making a channel of the kind and target of one there is (a retried create). */
  'CHANNEL_EXISTS',
  'RULE_NOT_FOUND',
  'RULE_INVALID',
  'SILENCE_NOT_FOUND',
  'SILENCE_INVALID',
  'DELIVERY_NOT_FOUND',
  /** Redelivering a delivery that is not dead (pending, delivered or superseded). */
  'DELIVERY_NOT_DEAD',
  /** Creating a channel without the installation's alerting key (ALERTING_SECRET_KEY). */
  'ALERTING_KEY_MISSING',
  // The AI layer (issue 22, docs/adr/0022, docs/ai.md).
  /** No OPENAI_API_KEY (or TWINLOG_AI=off): the message says how to turn it on. */
  'AI_OFF',
  /**
   * Too many asks waiting for the model, or the model server's own rate limit outlasted the
   * retries: details.retryAfterSeconds.
   */
  'AI_BUSY',
  /** The caller's uncached asks this hour reached TWINLOG_AI_ASKS_PER_CALLER_PER_HOUR: details.retryAfterSeconds. */
  'AI_RATE_LIMITED',
  /** The process's tokens for the UTC day are spent: details.retryAfterSeconds (to midnight UTC). */
  'AI_BUDGET_EXHAUSTED',
  /** The model server failed after its retries, or did not answer in time. */
  'AI_UNAVAILABLE',
  /** The model answered twice with something that does not validate: details.problems. */
  'AI_ANSWER_INVALID',
  /** A scenario asked in plain words that the twin's model cannot simulate. */
  'SCENARIO_NOT_SIMULABLE',
  'EXPLANATION_NOT_FOUND',
  /** No anomaly episode with that id. */
  'ANOMALY_NOT_FOUND',
  /**
   * twin-state replicas (ADR 0023): the twin's partition is changing hands, or its new owner is
   * still catching up; nothing was applied. details.retryAfterSeconds.
   */
  'PARTITION_MOVING',
  /**
   * A registration under a parent: the twin is registered, but the parent's ChildAttached was
   * not recorded (details.parentId, details.cause: the code that refused it).
   */
  'PARENT_NOT_ATTACHED',
  /**
   * A state as of a moment before the raw telemetry log's kept window (docs/adr/0024): the log
   * no longer folds it. details.keptFrom; the readings themselves are in the time-series store.
   */
  'HISTORY_NOT_KEPT',
  /** An operation of the embedded mode's own storage asked of the distributed mode. */
  'EMBEDDED_ONLY',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class TwinlogError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'TwinlogError';
  }

  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isTwinlogError(error: unknown, code?: ErrorCode): error is TwinlogError {
  return error instanceof TwinlogError && (code === undefined || error.code === code);
}
