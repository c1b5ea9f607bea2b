/** An answer other than 2xx, with the API's stable error code (docs/api-conventions.md). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Reads the error body when there is one; a proxy's HTML error page still gives a clear message. */
export async function apiErrorOf(answer: Response): Promise<ApiError> {
  try {
    const body = (await answer.json()) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof body.error?.code === 'string' ? body.error.code : `HTTP_${answer.status}`;
    const message =
      typeof body.error?.message === 'string' ? body.error.message : answer.statusText;
    return new ApiError(answer.status, code, message);
  } catch {
    return new ApiError(answer.status, `HTTP_${answer.status}`, answer.statusText || 'no answer');
  }
}
