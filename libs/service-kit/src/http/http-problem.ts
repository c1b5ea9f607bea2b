import type { ErrorCode } from '@twinlog/domain';

/**
 * An error of the HTTP edge itself (a body too large, a wrong content type, the log
 * unavailable), with its own stable code; domain failures stay TwinlogErrors.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpProblem';
  }
}

/** The HTTP status of each domain error code: the one place this mapping lives. */
export const STATUS_OF_CODE: Record<ErrorCode, number> = {
  MODEL_INVALID: 422,
  MODEL_UNKNOWN: 422,
  TWIN_ID_INVALID: 400,
  TWIN_NOT_FOUND: 404,
  TWIN_ALREADY_REGISTERED: 409,
  TWIN_RETIRED: 409,
  PARENT_NOT_FOUND: 422,
  CHILD_NOT_ALLOWED: 422,
  HIERARCHY_CYCLE: 422,
  PROPERTY_UNKNOWN: 422,
  PROPERTY_DERIVED: 422,
  VALUE_INVALID: 422,
  UNIT_MISMATCH: 422,
  LIMITS_INVALID: 422,
  TIMESTAMP_IMPLAUSIBLE: 422,
  REVISION_CONFLICT: 409,
  EVENT_INVALID: 400,
  COMMAND_INVALID: 400,
  EVENT_VERSION_UNSUPPORTED: 400,
  SCENARIO_INVALID: 400,
  PHYSICS_MODEL_MISSING: 422,
  VALUE_OUT_OF_BOUNDS: 422,
  CHILDREN_ACTIVE: 409,
  PARENT_RETIRED: 422,
  SITE_FORBIDDEN: 403,
  SIMULATION_OUT_OF_RANGE: 422,
  SIMULATION_TOO_COSTLY: 422,
  ALERT_NOT_FOUND: 404,
  ALERT_RESOLVED: 409,
  ALERT_ALREADY_ACKNOWLEDGED: 409,
  CHANNEL_NOT_FOUND: 404,
  CHANNEL_IN_USE: 409,
  CHANNEL_EXISTS: 409,
  RULE_NOT_FOUND: 404,
  RULE_INVALID: 422,
  SILENCE_NOT_FOUND: 404,
  SILENCE_INVALID: 422,
  DELIVERY_NOT_FOUND: 404,
  DELIVERY_NOT_DEAD: 409,
  ALERTING_KEY_MISSING: 503,
  AI_OFF: 503,
  AI_BUSY: 503,
  AI_BUDGET_EXHAUSTED: 429,
  AI_RATE_LIMITED: 429,
  AI_UNAVAILABLE: 502,
  AI_ANSWER_INVALID: 502,
  SCENARIO_NOT_SIMULABLE: 422,
  EXPLANATION_NOT_FOUND: 404,
  ANOMALY_NOT_FOUND: 404,
  PARTITION_MOVING: 503,
  PARENT_NOT_ATTACHED: 409,
  HISTORY_NOT_KEPT: 410,
  EMBEDDED_ONLY: 409,
};

/**
 * Codes whose answer carries Retry-After, taken from `details.retryAfterSeconds` (a whole
 * number of seconds the error computed: a busy queue, the next UTC midnight for a spent budget).
 */
export const RETRY_AFTER_CODES: ReadonlySet<ErrorCode> = new Set([
  'AI_BUSY',
  'AI_BUDGET_EXHAUSTED',
  'AI_RATE_LIMITED',
  'PARTITION_MOVING',
]);
