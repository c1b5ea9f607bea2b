/** Stable codes for what the RUL pipeline refuses: a bad data file, a bad model file. */
export type RulErrorCode = 'CMAPSS_INVALID' | 'RUL_MODEL_INVALID' | 'RUL_TRAINING_INVALID';

export class RulError extends Error {
  constructor(
    readonly code: RulErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RulError';
  }
}

export function isRulError(error: unknown, code?: RulErrorCode): error is RulError {
  return error instanceof RulError && (code === undefined || error.code === code);
}
