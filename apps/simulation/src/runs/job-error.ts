import { isTwinlogError } from '@twinlog/domain';
import { describeError, HttpProblem, LogUnavailableError } from '@twinlog/service-kit';

/** An error with its own code and HTTP answer: not a defect to log. */
export function answerable(error: unknown): boolean {
  return (
    isTwinlogError(error) || error instanceof HttpProblem || error instanceof LogUnavailableError
  );
}

/** A failed job's error, as the error filter would answer it (its status: statusOfFailure). */
export function describe(error: unknown): { code: string; message: string } {
  if (answerable(error)) {
    const { code, message } = describeError(error).body;
    return { code, message };
  }
  return { code: 'INTERNAL', message: (error as Error)?.message ?? String(error) };
}
