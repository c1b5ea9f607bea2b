import { ApiError, apiErrorOf } from './api-error';
import type {
  AiStatus,
  ExplanationView,
  AlertView,
  AuditEntry,
  CommandAnswer,
  DiffAnswer,
  SubtreeDiffAnswer,
  HistoryAnswer,
  MaintenanceHistory,
  RecordMaintenance,
  TelemetryAnswer,
  TwinDetail,
  TwinSummary,
  Whoami,
  MaintenanceReport,
} from './types';

export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface ClientOptions {
  /** The credential's headers, read at each call (the login may change them). */
  headers: () => Record<string, string>;
  /** Called on any 401, before the call rejects: the page goes back to the login. */
  onUnauthorized: (message: string) => void;
  fetch?: typeof fetch;
  /** Origin of the API; the page's own by default (the gateway serves both). */
  base?: string;
}

/** Cap on pages fetched for one list (a plant's twins, its open alerts): 50 × the page size. */
const MAX_PAGES = 50;

/**
 * The dashboard's one way to the API: the public routes, with the caller's credential, errors
 * as ApiError. Pages add typed methods here rather than calling fetch themselves.
 */
export class ApiClient {
  constructor(private readonly options: ClientOptions) {}

  /** A URL of the API with its query (lists as comma lists, as the API takes them). */
  url(path: string, query: Query = {}): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue;
      params.set(name, Array.isArray(value) ? value.join(',') : String(value));
    }
    const text = params.toString();
    return `${this.options.base ?? ''}${path}${text ? `?${text}` : ''}`;
  }

  headers(): Record<string, string> {
    return this.options.headers();
  }

  async get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.send<T>('GET', path, query, undefined, signal);
  }

  async post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.send<T>('POST', path, undefined, body, signal);
  }

  private async send<T>(
    method: string,
    path: string,
    query: Query | undefined,
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const answer = await (this.options.fetch ?? fetch)(this.url(path, query), {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...this.options.headers(),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
    if (answer.ok) return (await answer.json()) as T;
    const error = await apiErrorOf(answer);
    if (answer.status === 401) this.options.onUnauthorized(error.message);
    throw error;
  }

  /** Every page of a keyset-paged list (`next` cursor), up to MAX_PAGES. */
  async all<T>(path: string, key: string, query: Query = {}, signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await this.get<Record<string, unknown>>(path, { ...query, cursor }, signal);
      items.push(...((answer[key] as T[] | undefined) ?? []));
      const next = answer.next;
      if (typeof next !== 'string' || next === '') break;
      cursor = next;
    }
    return items;
  }

  whoami(signal?: AbortSignal): Promise<Whoami> {
    return this.get('/v1/whoami', undefined, signal);
  }

  twins(signal?: AbortSignal): Promise<TwinSummary[]> {
    return this.all('/v1/twins', 'twins', { limit: 500 }, signal);
  }

  twin(twinId: string, signal?: AbortSignal): Promise<TwinDetail> {
    return this.get(`/v1/twins/${encodeURIComponent(twinId)}`, undefined, signal);
  }

  alert(alertId: string, signal?: AbortSignal): Promise<AlertView> {
    return this.get(`/v1/alerts/${encodeURIComponent(alertId)}`, undefined, signal);
  }

  /** Alerts not yet resolved (open, acknowledged or assigned), newest first. */
  openAlerts(signal?: AbortSignal): Promise<AlertView[]> {
    return this.all(
      '/v1/alerts',
      'alerts',
      { status: ['open', 'acknowledged', 'assigned'], limit: 500 },
      signal,
    );
  }

  /** A twin's readings downsampled on the server (ADR 0017): windows of `every` over [from, to). */
  telemetry(
    twinId: string,
    query: { property: readonly string[]; from: string; to: string; every: string },
    signal?: AbortSignal,
  ): Promise<TelemetryAnswer> {
    return this.get(`/v1/twins/${encodeURIComponent(twinId)}/telemetry`, query, signal);
  }

  /** One page of a twin's audit trail (its events in log order), continued with `cursor`. */
  events(
    twinId: string,
    query: { types?: readonly string[]; limit?: number; cursor?: string },
    signal?: AbortSignal,
  ): Promise<{ events: AuditEntry[]; next: string | null }> {
    return this.get(`/v1/twins/${encodeURIComponent(twinId)}/events`, query, signal);
  }

  /** Every page of a twin's events of the given types (the anomaly timeline). */
  allEvents(twinId: string, types: readonly string[], signal?: AbortSignal): Promise<AuditEntry[]> {
    return this.all(
      `/v1/twins/${encodeURIComponent(twinId)}/events`,
      'events',
      { types, limit: 500 },
      signal,
    );
  }

  /** The twin (or with `subtree` its whole subtree) as it was at `at`. */
  history(
    twinId: string,
    at: string,
    subtree: boolean,
    signal?: AbortSignal,
  ): Promise<HistoryAnswer> {
    return this.get(
      `/v1/twins/${encodeURIComponent(twinId)}/history`,
      { at, subtree: subtree ? true : undefined },
      signal,
    );
  }

  /** What changed in the twin between two times. */
  diff(twinId: string, from: string, to: string, signal?: AbortSignal): Promise<DiffAnswer> {
    return this.get(`/v1/twins/${encodeURIComponent(twinId)}/diff`, { from, to }, signal);
  }

  /** What changed in every twin of the subtree between two times, twin by twin. */
  subtreeDiff(
    twinId: string,
    from: string,
    to: string,
    signal?: AbortSignal,
  ): Promise<SubtreeDiffAnswer> {
    return this.get(
      `/v1/twins/${encodeURIComponent(twinId)}/diff`,
      { from, to, subtree: true },
      signal,
    );
  }

  /** A page of the twin's maintenance predictions, oldest first. */
  maintenanceHistory(
    twinId: string,
    query: { limit?: number; cursor?: string } = {},
    signal?: AbortSignal,
  ): Promise<MaintenanceHistory> {
    return this.get(`/v1/twins/${encodeURIComponent(twinId)}/maintenance/history`, query, signal);
  }

  /** Records maintenance performed (operator role). */
  recordMaintenance(twinId: string, body: RecordMaintenance): Promise<CommandAnswer> {
    return this.post(`/v1/twins/${encodeURIComponent(twinId)}/maintenance`, body);
  }
}

/** The services with an AI feature: the explanations, the asks in words, the reports, the second opinion. */
export type AiService = 'twin-state' | 'simulation' | 'maintenance' | 'anomaly';

/**
 * Whether AI assistance is on in the service that owns a feature (`GET /v1/ai/{service}`): each
 * has its own settings and budget when distributed. The AI controls show only when it is.
 */
export function aiStatus(
  client: ApiClient,
  service: AiService,
  signal?: AbortSignal,
): Promise<AiStatus> {
  return client.get(`/v1/ai/${service}`, undefined, signal);
}

/**
 * Each service's status asked once (per page load, for every control that needs it); a failure
 * is asked again the next time.
 */
export function aiStatusOnce(client: ApiClient): (service: AiService) => Promise<AiStatus> {
  const asked = new Map<AiService, Promise<AiStatus>>();
  return (service) => {
    let status = asked.get(service);
    if (!status) {
      status = aiStatus(client, service);
      asked.set(service, status);
      status.catch(() => asked.delete(service));
    }
    return status;
  };
}

/** An anomaly's recorded explanation; undefined when there is none yet (404). */
export async function anomalyExplanation(
  client: ApiClient,
  episodeId: string,
  signal?: AbortSignal,
): Promise<ExplanationView | undefined> {
  try {
    return await client.get(
      `/v1/anomalies/${encodeURIComponent(episodeId)}/explanation`,
      undefined,
      signal,
    );
  } catch (error) {
    // None yet, or an episode the index does not know yet: nothing to show either way.
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** Asks for an explanation (operator): the recorded one, or with `refresh` a new one. */
export function explainAnomaly(
  client: ApiClient,
  episodeId: string,
  refresh = false,
): Promise<ExplanationView> {
  const path = `/v1/anomalies/${encodeURIComponent(episodeId)}/explanation`;
  return client.post(refresh ? `${path}?refresh=true` : path, {});
}

/**
 * The maintenance report of a twin and the twins below it (AI-written, Twinlog's figures).
 * `refresh` (operator) asks the model anew instead of taking an identical ask's cached answer.
 */
export function maintenanceReport(
  client: ApiClient,
  twinId: string,
  options: { refresh?: boolean; signal?: AbortSignal } = {},
): Promise<MaintenanceReport> {
  const query = options.refresh ? { twin: twinId, refresh: 'true' } : { twin: twinId };
  return client.get('/v1/reports/maintenance', query, options.signal);
}
