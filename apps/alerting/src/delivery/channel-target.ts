import { z } from 'zod';
import { TwinlogError } from '@twinlog/domain';

/**
 * Where a channel sends, with what it signs: the part of a channel that is sealed in the log
 * (target-sealing.ts) and never shown (displayOf gives what may be).
 */
export type ChannelTarget =
  | { kind: 'webhook'; url: string; secret: string }
  | { kind: 'slack' | 'teams'; url: string }
  | { kind: 'email'; to: string[] };

const MAX_URL = 2048;
export const MAX_RECIPIENTS = 20;

/** http(s) only, a host, no user:password@ (a credential would be shown in the display). */
const targetUrl = z
  .string()
  .trim()
  .min(1)
  .max(MAX_URL, `a URL of at most ${MAX_URL} characters`)
  .superRefine((text, ctx) => {
    const problem = urlProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not a URL (e.g. https://hooks.example.com/twinlog)';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'only http and https URLs';
  if (url.username !== '' || url.password !== '')
    return 'no user or password in the URL (put the credential in the path or use a webhook secret)';
  if (url.hostname === '') return 'the URL needs a host';
  return undefined;
}

// A plain address: no display name, quotes, commas, angle brackets or spaces, so nothing can
// reach another header or a second recipient.
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

const emailAddress = z
  .string()
  .trim()
  .max(254, 'an address of at most 254 characters')
  .regex(ADDRESS, 'not an email address (name@example.com)');

const secret = z
  .string()
  .min(16, 'a secret of at least 16 characters')
  .max(256, 'a secret of at most 256 characters')
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

/** What a user may give for a channel's target (other keys, such as `name`, are ignored). */
export const channelTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('webhook'), url: targetUrl, secret }),
  z.object({ kind: z.literal('slack'), url: targetUrl }),
  z.object({ kind: z.literal('teams'), url: targetUrl }),
  z.object({
    kind: z.literal('email'),
    to: z
      .array(emailAddress)
      .min(1, 'at least one recipient')
      .max(MAX_RECIPIENTS, `at most ${MAX_RECIPIENTS} recipients`)
      .transform(distinctAddresses),
  }),
]);

function distinctAddresses(to: string[]): string[] {
  const seen = new Set<string>();
  return to.filter((address) => {
    const key = address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A channel target from user input, or COMMAND_INVALID naming the field (never echoing a secret). */
export function parseChannelTarget(input: unknown): ChannelTarget {
  const parsed = channelTargetSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || 'kind',
    problem: issue.message,
  }));
  throw new TwinlogError(
    'COMMAND_INVALID',
    `invalid channel: ${issues.map((i) => `${i.field}: ${i.problem}`).join('; ')}`,
    { issues },
  );
}

/** What may be shown of a target: the URL's scheme and host, or the recipients' domains. */
export function displayOf(target: ChannelTarget): string {
  if (target.kind === 'email') {
    const domains = new Set(target.to.map((a) => a.slice(a.lastIndexOf('@') + 1).toLowerCase()));
    return [...domains].sort().join(', ');
  }
  return displayOfUrl(target.url);
}

/** A URL reduced to scheme and host (with port): its path and query may be credentials. */
export function displayOfUrl(text: string): string {
  try {
    const url = new URL(text);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '(invalid URL)';
  }
}
