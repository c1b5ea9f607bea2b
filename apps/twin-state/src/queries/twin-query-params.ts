import { CURRENT_SCHEMA_VERSION, TWIN_LEVELS, type TwinEventType } from '@twinlog/domain';
import { orderedRange, pagingParams, q } from '@twinlog/service-kit';
import { z } from 'zod';

const EVENT_TYPES = Object.keys(CURRENT_SCHEMA_VERSION) as [TwinEventType, ...TwinEventType[]];
const axis = q.oneOf(['event', 'record']).default('event');

/** The query parameters of each twin-state question (docs/services/twin-state.md). */
export const LIST_QUERY = z.object({
  twinType: q.text(100).optional(),
  level: q.oneOf(TWIN_LEVELS).optional(),
  parentId: q.twinId().optional(),
  site: q.text().optional(),
  status: q.oneOf(['active', 'retired']).optional(),
  // The limit is checked against TWIN_STATE_MAX_PAGE by the controller.
  ...pagingParams(),
});

export const HISTORY_QUERY = z.object({
  at: q.time(),
  by: axis,
  subtree: q.bool().default(false),
});

export const DIFF_QUERY = z
  .object({ from: q.time(), to: q.time(), by: axis, subtree: q.bool().default(false) })
  .superRefine(orderedRange());

export const AUDIT_QUERY = z
  .object({
    types: q.listOf(EVENT_TYPES).optional(),
    from: q.time().optional(),
    to: q.time().optional(),
    ...pagingParams(),
  })
  .superRefine(orderedRange());

export type ListQuery = z.infer<typeof LIST_QUERY>;
export type HistoryQuery = z.infer<typeof HISTORY_QUERY>;
export type DiffQuery = z.infer<typeof DIFF_QUERY>;
export type AuditQueryParams = z.infer<typeof AUDIT_QUERY>;
