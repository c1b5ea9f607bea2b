import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Nest's default filter turns any error of an event handler into a generic
 * `{ status: 'error', message: 'Internal server error' }`, which hides whether the event was
 * refused for good (a TwinlogError: dead-letter it) or failed for now (retry). Services on
 * EventLogServer install this filter globally so the transport sees the real error.
 */
@Catch()
export class RethrowExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
