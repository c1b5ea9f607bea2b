import { Body, Controller, Delete, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { parseIsoTime, ROLES, type AccessKeyRecord } from '@twinlog/domain';
import { z } from 'zod';
import { HttpProblem } from '../http/http-problem';
import { Describe } from '../http/route-description';
import { byCodeUnits, pageOf, PageCursor, pagingParams, keysetPage } from '../http/paging';
import { PAGE_MAX, QueryParams } from '../http/query-params';
import { AccessKeys } from './access-keys';
import { Caller, Requires, RequiresAllSites } from './roles.decorator';
import type { Principal } from './principal';

const SITE = z.string().min(1).max(200);
const NEW_KEY = z.strictObject({
  name: z.string().min(1).max(200),
  role: z.enum(ROLES),
  sites: z.union([z.literal('*'), z.array(SITE).min(1).max(1_000)]),
  expiresAt: z.string().max(64).nullish(),
});

const time = z.string();
/** A key as the API shows it: everything but its secret's hash. */
const KEY_VIEW = z
  .object({
    keyId: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    sites: z.union([z.literal('*'), z.array(z.string())]),
    createdAt: time,
    createdBy: z.string(),
    expiresAt: time.nullable(),
    revokedAt: time.nullable(),
    revokedBy: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });
const NOT_FOUND = { 404: 'KEY_NOT_FOUND' };
const LIST_QUERY = z.object(pagingParams());
/** Keys are listed in the order they were made: a page continues after one's (createdAt, keyId). */
type KeyOrder = [createdAt: string, keyId: string];
const KEYS_CURSOR = new PageCursor('keys', z.tuple([z.string().max(64), z.string().max(200)]));
const byCreation = (a: KeyOrder, b: KeyOrder) => byCodeUnits(a[0], b[0]) || byCodeUnits(a[1], b[1]);

/** A key as listed: everything but its secret's hash. */
export type KeyView = Omit<AccessKeyRecord, 'secretHash'>;

/**
 * API keys for machines and scripts, for admins: created (the key is in the answer, once),
 * listed, revoked. Any instance answers alike: the keys live beside the log.
 */
// A key is made for any site, so only an admin of every site may make, list or revoke them.
@Requires('admin')
@RequiresAllSites()
@Controller('v1/admin/keys')
export class AccessKeysHttpController {
  constructor(@Inject(AccessKeys) private readonly keys: AccessKeys) {}

  @Post()
  @Describe({
    summary: 'Create an API key',
    description: 'The answer holds the key itself (`key`), once: it is stored only as a hash.',
    body: NEW_KEY,
    response: KEY_VIEW.extend({ key: z.string().describe('twl_<id>_<secret>') }),
    errors: {
      400: 'KEY_REQUEST_INVALID: the body is not a valid key request (`details.problems`)',
    },
  })
  async create(@Body() body: unknown, @Caller() caller: Principal) {
    const parsed = NEW_KEY.safeParse(body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (i) => `${i.path.join('.') || 'body'}: ${i.message}`,
      );
      throw new HttpProblem(
        400,
        'KEY_REQUEST_INVALID',
        `Invalid key request: ${problems.join('; ')}`,
        {
          problems,
        },
      );
    }
    const { name, role, sites } = parsed.data;
    const { key, record } = await this.keys.create(
      { name, role, sites, expiresAt: expiryOf(parsed.data.expiresAt) },
      caller.id,
    );
    return { key, ...view(record) };
  }

  @Get()
  @Describe({
    summary: 'List the API keys',
    description: 'Oldest first, revoked and expired keys included; never their secrets.',
    response: pageOf('keys', KEY_VIEW),
  })
  @QueryParams(LIST_QUERY)
  async list(
    @Query() query: z.infer<typeof LIST_QUERY>,
  ): Promise<{ keys: KeyView[]; next: string | null }> {
    const keyOf = (k: AccessKeyRecord): KeyOrder => [k.createdAt, k.keyId];
    const all = (await this.keys.list()).sort((a, b) => byCreation(keyOf(a), keyOf(b)));
    const { items, next } = keysetPage(all, query, {
      cursor: KEYS_CURSOR,
      max: PAGE_MAX,
      keyOf,
      compare: byCreation,
    });
    return {
      keys: items.map(view),
      next,
    };
  }

  @Delete(':keyId')
  @Describe({ summary: 'Revoke an API key', response: KEY_VIEW, errors: NOT_FOUND })
  async revoke(@Param('keyId') keyId: string, @Caller() caller: Principal): Promise<KeyView> {
    const revoked = await this.keys.revoke(keyId, caller.id);
    if (!revoked) {
      throw new HttpProblem(404, 'KEY_NOT_FOUND', 'No API key with that id', {});
    }
    return view(revoked);
  }
}

function expiryOf(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const parsed = parseIsoTime(value);
  if (!parsed.ok) {
    throw new HttpProblem(
      400,
      'KEY_REQUEST_INVALID',
      `Invalid key request: expiresAt: ${parsed.reason}`,
    );
  }
  if (parsed.ms <= Date.now()) {
    throw new HttpProblem(
      400,
      'KEY_REQUEST_INVALID',
      'Invalid key request: expiresAt is in the past',
    );
  }
  return parsed.iso;
}

function view(record: AccessKeyRecord): KeyView {
  const { secretHash: _hash, ...rest } = record;
  return rest;
}
