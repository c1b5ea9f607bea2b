// The API's answers as the dashboard reads them (the same shapes the OpenAPI document at
// /openapi.json describes). Domain types are imported as types only: nothing of libs/domain's
// code is bundled unless a page imports a function from it.
import type {
  AlertView,
  ReportedValue,
  Role,
  TwinHealth,
  TwinHealthStatus,
  TwinState,
} from '@twinlog/domain';

export type { AlertView, ReportedValue, Role, TwinHealthStatus };
export type TwinLevel = 'component' | 'asset' | 'system' | 'process';

/** `GET /v1/whoami`: who the credential is, what it may do, and where. */
export interface Whoami {
  id: string;
  role: Role;
  sites: '*' | string[];
  /** ISO time the credential stops being valid; null when it does not expire. */
  expiresAt: string | null;
}

/** A row of `GET /v1/twins`. */
export interface TwinSummary {
  twinId: string;
  twinType: string;
  level: TwinLevel;
  parentId: string | null;
  site: string | null;
  name: string | null;
  status: 'active' | 'retired';
  health: TwinHealthStatus;
  activeAnomalies: number;
  revision: number;
}

export interface Page<K extends string, T> {
  next: string | null;
  items: Record<K, T[]>;
}

/** `GET /v1/twins/{id}`: the twin's state with its health. */
export type TwinDetail = Omit<TwinState, 'recentReadingIds'> & { health: TwinHealth };

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
