import {
  HEALTH_STATUS,
  pageOf,
  REPORTED_VALUE,
  ROLL_UP,
  TWIN_EVENT,
  TWIN_WITH_HEALTH,
  twinEventWith,
} from '@twinlog/service-kit';
import { limitsSchema, TWIN_LEVELS } from '@twinlog/domain';
import { z } from 'zod';

/** What each twin-state question answers (the OpenAPI document's answer schemas). */
const time = z.string();
const axis = z.enum(['event', 'record']);

export const LIST_ANSWER = pageOf(
  'twins',
  z.object({
    twinId: z.string(),
    twinType: z.string(),
    level: z.enum(TWIN_LEVELS),
    parentId: z.string().nullable(),
    site: z.string().nullable(),
    name: z.string().nullable(),
    status: z.enum(['active', 'retired']),
    health: HEALTH_STATUS,
    activeAnomalies: z.number().int().nonnegative(),
    revision: z.number().int().nonnegative(),
  }),
);

export const HISTORY_ANSWER = z.union([
  z.object({ at: time, by: axis, state: TWIN_WITH_HEALTH }),
  z.object({ at: time, by: axis, twins: z.array(TWIN_WITH_HEALTH), rollUp: ROLL_UP }),
]);

const STATE_CHANGES = z.array(
  z.object({
    path: z
      .string()
      .describe(
        'A dotted path into the state (`reported.temperature`), or `twin` when it did not exist at `from`',
      ),
    before: z.unknown(),
    after: z.unknown(),
  }),
);

export const DIFF_ANSWER = z.union([
  z.object({ from: time, to: time, by: axis, changes: STATE_CHANGES }),
  z.object({
    from: time,
    to: time,
    by: axis,
    twins: z
      .array(
        z.object({
          twinId: z.string(),
          name: z.string().nullable(),
          level: z.enum(TWIN_LEVELS),
          change: z
            .enum(['added', 'removed', 'changed'])
            .describe('In the subtree at `to` only, at `from` only, or in both with changes'),
          changes: STATE_CHANGES.describe('Empty for a twin added or removed'),
        }),
      )
      .describe('The twins that changed (unchanged ones are left out), nearest the root first'),
    compared: z.number().int().nonnegative().describe('How many twins were compared'),
    truncated: z
      .boolean()
      .describe(
        'The subtree has more than `TWIN_STATE_MAX_PAGE` twins at `from` or `to`: only the nearest ones were compared',
      ),
  }),
]);

export const AUDIT_ANSWER = pageOf(
  'events',
  twinEventWith(
    {
      position: z.number().int().nonnegative().describe("The event's position in the twin's trail"),
      actor: z
        .string()
        .nullable()
        .describe('Who caused it (`key:<id>`, `token:<subject>`), when a caller did'),
    },
    'AuditEntry',
  ),
);

export const PROVENANCE_ANSWER = z.object({
  twinId: z.string(),
  property: z.string(),
  value: REPORTED_VALUE.nullable(),
  valueSetBy: TWIN_EVENT.nullable(),
  limits: limitsSchema.nullable(),
  limitsSetBy: TWIN_EVENT.nullable(),
});
