/**
 * The client went away before its request was read whole (a closed connection, a gateway that
 * gave up): nobody is left to answer, and it is no fault of the service, so it is no error.
 */
export function isClientAbort(error: unknown): boolean {
  const e = error as { type?: string; code?: string; message?: string } | null;
  return (
    e?.type === 'request.aborted' ||
    e?.code === 'ECONNRESET' ||
    e?.code === 'ECONNABORTED' ||
    e?.code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    e?.message === 'aborted'
  );
}
