import type { ServerResponse } from 'node:http';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/**
 * A signal that aborts when the client's connection closes before its answer was sent (the
 * client, or a gateway in front of it, gave up). Work done only for that answer (an AI ask:
 * tokens, an event nobody sees; the reads of a telemetry query) passes it on and stops. The
 * reason reads as a client abort (isClientAbort): nobody is left to answer, no fault of ours.
 */
export function clientGoneSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  const closed = () => {
    if (!res.writableFinished)
      controller.abort(
        Object.assign(new Error('the client closed its connection'), { code: 'ECONNABORTED' }),
      );
  };
  if (res.destroyed) closed();
  else res.once('close', closed);
  return controller.signal;
}

/** The route's clientGoneSignal, as a parameter: `@ClientGone() gone: AbortSignal`. */
export const ClientGone = createParamDecorator(
  (_: unknown, context: ExecutionContext): AbortSignal =>
    clientGoneSignal(context.switchToHttp().getResponse<ServerResponse>()),
);
