import type { ServerResponse } from 'node:http';

/**
 * Aborted when the client goes away before its answer is sent, so that the reads it still waits
 * for are dropped from the queue and a roll-up stops between series. The reason reads as a client
 * abort (isClientAbort): nobody is left to answer, and it is no fault of the service.
 */
export function clientGone(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished)
      controller.abort(Object.assign(new Error('aborted'), { code: 'ECONNABORTED' }));
  });
  return controller.signal;
}
