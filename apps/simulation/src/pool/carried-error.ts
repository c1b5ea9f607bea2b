import { isTwinlogError, TwinlogError, type ErrorCode } from '@twinlog/domain';
import type { CarriedError } from './worker-messages';

// A TwinlogError crosses the thread boundary as plain data (classes do not survive the copy):
// the worker carries it, the pool rebuilds it, so a run's 4xx stays a 4xx.

/** In the worker: the error a run threw, as plain data. */
export function carriedError(error: unknown): CarriedError {
  if (isTwinlogError(error)) {
    return { twinlog: true, code: error.code, message: error.message, details: error.details };
  }
  const e = error as Error;
  return { twinlog: false, code: 'INTERNAL', message: e?.stack ?? String(error), details: {} };
}

/** In the pool: the error rebuilt (a TwinlogError again, or a plain Error with the worker's stack). */
export function rebuiltError(error: CarriedError): Error {
  if (error.twinlog) return new TwinlogError(error.code as ErrorCode, error.message, error.details);
  const plain = new Error(error.message);
  plain.stack = error.message;
  return plain;
}
