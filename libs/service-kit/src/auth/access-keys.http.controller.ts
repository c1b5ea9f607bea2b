import { Body, Controller, Delete, Get, Inject, Param, Post } from '@nestjs/common';
import { parseIsoTime, ROLES, type AccessKeyRecord } from '@twinlog/domain';
import { z } from 'zod';
import { HttpProblem } from '../http/http-problem';
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
  async list(): Promise<{ keys: KeyView[] }> {
    return { keys: (await this.keys.list()).map(view) };
  }

  @Delete(':keyId')
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
