import {
  ALERT_CAUSE_KINDS,
  escalationStepSchema,
  parseIsoTime,
  SEVERITIES,
  TWIN_ID,
  TwinlogError,
} from '@twinlog/domain';
import { z } from 'zod';

/**
 * Request bodies of the alerting routes. Every object is strict (an unknown field is refused,
 * naming it) and every field bounded, so the engine only ever sees what the event schemas take.
 * A bad body is 400 COMMAND_INVALID with `details.problems` naming each field, as in twin-state.
 */
const NOTE_MAX = 4_000;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const note = z.string().max(NOTE_MAX, `must be at most ${NOTE_MAX} characters`).optional();
const name = z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
/** Ids the API made (channels, rules): bounded, and no Object built-in can be one. */
const ref = z.string().regex(TWIN_ID, 'must be an id (1-128 letters, digits, . _ : -)');
const httpUrl = z
  .string()
  .max(2_000, 'must be at most 2000 characters')
  .refine(isHttpUrl, 'must be an http or https URL');
const time = z.string().transform((text, ctx) => {
  const parsed = parseIsoTime(text);
  if (parsed.ok) return parsed.iso;
  ctx.addIssue({ code: 'custom', message: parsed.reason });
  return z.NEVER;
});

export const ACK_BODY = z.strictObject({ note }).meta({ id: 'AlertAcknowledgement' });
export const RESOLVE_BODY = z.strictObject({ note });
export const ASSIGN_BODY = z.strictObject({ assignee: name, note });

const channelName = { name: name.optional() };
export const CHANNEL_BODY = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('webhook'),
      url: httpUrl,
      secret: z.string().min(1, 'must not be empty').max(1_000, 'must be at most 1000 characters'),
      ...channelName,
    }),
    z.strictObject({ kind: z.literal('slack'), url: httpUrl, ...channelName }),
    z.strictObject({ kind: z.literal('teams'), url: httpUrl, ...channelName }),
    z.strictObject({
      kind: z.literal('email'),
      to: z.array(z.email('must be an e-mail address').max(320)).min(1).max(50),
      ...channelName,
    }),
  ])
  .meta({ id: 'NewAlertChannel' });

const quietHours = z.strictObject({
  from: z.string().regex(HHMM, 'must be HH:MM (00:00-23:59)'),
  to: z.string().regex(HHMM, 'must be HH:MM (00:00-23:59)'),
  timeZone: z.string().max(100).refine(isTimeZone, 'must be an IANA time zone (Europe/Berlin)'),
  allowSeverity: z.enum(SEVERITIES).optional(),
});

export const RULE_BODY = z
  .strictObject({
    name,
    match: z
      .strictObject({
        minSeverity: z.enum(SEVERITIES).optional(),
        causes: z.array(z.enum(ALERT_CAUSE_KINDS)).max(ALERT_CAUSE_KINDS.length).optional(),
        twinTypes: z.array(name).max(100).optional(),
        sites: z.array(name).max(100).optional(),
        subtree: z.string().regex(TWIN_ID, 'must be a twin id').nullable().optional(),
        properties: z.array(name).max(100).optional(),
      })
      .optional(),
    channels: z
      .array(z.union([z.literal('*'), ref]))
      .min(1, 'name at least one channel (or "*" for every channel)')
      .max(50),
    quietHours: quietHours.nullable().optional(),
    escalation: z
      .array(escalationStepSchema.extend({ channels: z.array(ref).min(1).max(50) }).strict())
      .max(10)
      .optional(),
    enabled: z.boolean().optional(),
  })
  .meta({ id: 'NewAlertRule' });

export const SILENCE_BODY = z
  .strictObject({
    kind: z.enum(['silence', 'maintenance-window']).optional(),
    twinId: z.string().regex(TWIN_ID, 'must be a twin id').optional(),
    site: name.optional(),
    from: time.optional().describe('When it starts (ISO 8601); now when absent'),
    to: time.describe('When it ends (ISO 8601), after `from` and now'),
    reason: z.string().min(1, 'say why (it is shown with every suppression)').max(1_000),
  })
  .superRefine((body, ctx) => {
    if ((body.twinId === undefined) === (body.site === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['twinId'],
        message: 'give exactly one of twinId and site',
      });
  })
  .meta({ id: 'NewSilence' });

/** A body parsed with its schema, or 400 COMMAND_INVALID naming each bad field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw new TwinlogError('COMMAND_INVALID', 'The request body is not valid', {
    problems: result.error.issues
      .slice(0, 20)
      .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
  });
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
