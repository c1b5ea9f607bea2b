import { Controller, Get } from '@nestjs/common';
import { ROLES } from '@twinlog/domain';
import { Caller, Describe, Requires, type Principal } from '@twinlog/service-kit';
import { z } from 'zod';

/** `GET /v1/whoami`'s answer: what the dashboard (and any client) learns of its own credential. */
export const WHOAMI = z.object({
  id: z
    .string()
    .describe('`key:<keyId>`, `token:<subject>`, or `anonymous` when authentication is off'),
  role: z.enum(ROLES),
  sites: z
    .union([z.literal('*'), z.array(z.string())])
    .describe('The sites whose twins the caller may see and change; "*" for all'),
  expiresAt: z
    .string()
    .nullable()
    .describe('When the credential stops being valid (ISO 8601); null when it does not expire'),
});
export type Whoami = z.infer<typeof WHOAMI>;

export function whoamiOf(principal: Principal): Whoami {
  return {
    id: principal.id,
    role: principal.role,
    sites: principal.sites === '*' ? '*' : [...principal.sites],
    expiresAt:
      principal.expiresAt === undefined ? null : new Date(principal.expiresAt).toISOString(),
  };
}

/** Who the caller is: the dashboard shows only the controls the role may use (docs/dashboard.md). */
@Controller('v1/whoami')
export class WhoamiHttpController {
  @Get()
  @Requires('viewer')
  @Describe({
    summary: "The caller's identity, role and sites",
    description:
      'What the credential sent is: its id, role and sites, and when it expires. With TWINLOG_AUTH=off, the anonymous principal (admin of every site). Holds no secret: the key or token itself is never echoed.',
    response: WHOAMI,
    errors: { 401: 'UNAUTHENTICATED: no credential, or one that is not valid' },
  })
  whoami(@Caller() caller: Principal): Whoami {
    return whoamiOf(caller);
  }
}
