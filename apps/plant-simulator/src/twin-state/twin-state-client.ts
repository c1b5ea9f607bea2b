import type { MaintenanceRecord, TwinRegistration } from '@twinlog/plant-sim';
import { describeNetworkError, retryAfterMs, TransientError } from '../senders/backoff';

const REQUEST_TIMEOUT_MS = 30_000;

/** A refusal that sending again will not change (a twin registered as something else). */
export class TwinStateRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TwinStateRefusal';
  }
}

/** Registers twins and records maintenance with twin-state's HTTP commands. */
export class TwinStateClient {
  readonly name: string;
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly apiKey?: string,
  ) {
    this.base = baseUrl.replace(/\/$/, '');
    this.name = `twin-state at ${this.base}`;
  }

  /**
   * Registers a twin; one already registered with the same type and parent is fine, and so is
   * one at the top of its tree where the plan has a parent: a plant registered before its
   * process twin existed (issue 21) keeps its line at the top ('unparented').
   */
  async register(twin: TwinRegistration): Promise<'registered' | 'existing' | 'unparented'> {
    const { status, body } = await this.call('POST', '/v1/twins', twin);
    if (status === 201) return 'registered';
    if (status === 409 && body?.error?.code === 'TWIN_ALREADY_REGISTERED') {
      const { status: got, body: state } = await this.call(
        'GET',
        `/v1/twins/${encodeURIComponent(twin.twinId)}`,
      );
      if (got !== 200)
        throw new TwinStateRefusal(`${this.name}: reading ${twin.twinId} gave ${got}`);
      const parent = state?.parentId ?? undefined;
      if (state?.twinType === twin.twinType && parent === undefined && twin.parentId)
        return 'unparented';
      if (state?.twinType !== twin.twinType || parent !== twin.parentId) {
        throw new TwinStateRefusal(
          `${twin.twinId} is already registered as a ${state?.twinType} under ${parent ?? 'no parent'}, ` +
            `not a ${twin.twinType} under ${twin.parentId ?? 'no parent'}: use another site or plant`,
        );
      }
      return 'existing';
    }
    throw new TwinStateRefusal(
      `${this.name} refused to register ${twin.twinId}: ${status} ${problemOf(body)}`,
    );
  }

  async recordMaintenance(record: MaintenanceRecord): Promise<void> {
    const { twinId, ...body } = record;
    const { status, body: answer } = await this.call(
      'POST',
      `/v1/twins/${encodeURIComponent(twinId)}/maintenance`,
      body,
    );
    if (status >= 300) {
      throw new TwinStateRefusal(
        `${this.name} refused maintenance on ${twinId}: ${status} ${problemOf(answer)}`,
      );
    }
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Answer | undefined }> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await response.text();
    } catch (error) {
      throw new TransientError(`${this.name}: ${describeNetworkError(error)}`);
    }
    let json: Answer | undefined;
    try {
      json = text ? (JSON.parse(text) as Answer) : undefined;
    } catch {
      json = undefined;
    }
    if (response.status === 503 || response.status === 429 || response.status >= 500) {
      throw new TransientError(
        `${this.name} answered ${response.status} ${problemOf(json)}`,
        retryAfterMs(response.headers.get('retry-after')),
      );
    }
    return { status: response.status, body: json };
  }
}

/** The fields of twin-state's answers this client reads: an error, or a twin's state. */
interface Answer {
  error?: { code?: string; message?: string };
  twinType?: string;
  parentId?: string | null;
}

function problemOf(body: Answer | undefined): string {
  const error = body?.error;
  return error ? `${error.code}: ${error.message}` : 'no details';
}
