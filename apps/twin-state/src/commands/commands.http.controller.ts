import { z } from 'zod';
import { Body, Controller, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { Describe, Requires, siteFilterOf, type AuthenticatedRequest } from '@twinlog/service-kit';
import { TwinlogError, type Limits, type MaintenanceKind } from '@twinlog/domain';
import {
  COMMAND_ANSWER,
  limitsBody,
  maintenanceBody,
  modelVersionBody,
  parseBody,
  registerBody,
  retireBody,
} from './command-bodies';
import { TwinCommands, type CommandMetaInput, type CommandResult } from './twin-commands.service';

/** The header that makes a command safe to send again (docs/services/twin-state.md). */
const IDEMPOTENCY_HEADER = {
  'Idempotency-Key': {
    schema: z.string().regex(/^[\x21-\x7e]{1,200}$/),
    description:
      'Your id for this command (a UUID): sent again with the same key (after a timeout, say), the command is not applied twice; the answer is the first one, with `replayed: true`',
  },
};

/**
 * Commands that change a twin. Each answers with the events it recorded and the twin's new
 * revision; send `expectedRevision` to have a stale decision refused with 409, or an
 * `Idempotency-Key` header to send a command again safely after a lost answer.
 */
@Controller('v1/twins')
export class CommandsHttpController {
  constructor(private readonly commands: TwinCommands) {}

  @Requires('engineer')
  @Post()
  @HttpCode(201)
  @Describe({
    summary: 'Register a twin',
    body: registerBody,
    response: COMMAND_ANSWER,
    headers: IDEMPOTENCY_HEADER,
    errors: {
      400: 'COMMAND_INVALID: the body is not a valid command (`details.problems` names each field); TWIN_ID_INVALID',
      403: 'SITE_FORBIDDEN: registering on a site the caller does not have',
      409: 'TWIN_ALREADY_REGISTERED',
      422: 'MODEL_UNKNOWN, PARENT_NOT_FOUND, PARENT_RETIRED, CHILD_NOT_ALLOWED, HIERARCHY_CYCLE, TIMESTAMP_IMPLAUSIBLE',
    },
  })
  register(@Body() body: unknown, @Req() req: AuthenticatedRequest): Promise<CommandResult> {
    const { twinId, ...command } = parseBody(registerBody, body);
    return this.commands.execute(twinId, { type: 'RegisterTwin', ...command }, meta(req));
  }

  @Requires('engineer')
  @Post(':twinId/model-version')
  @Describe({
    summary: 'Move a twin to another version of its model',
    body: modelVersionBody,
    response: COMMAND_ANSWER,
    headers: IDEMPOTENCY_HEADER,
    errors: {
      400: 'COMMAND_INVALID: the body is not a valid command (`details.problems` names each field)',
      404: 'TWIN_NOT_FOUND: no such twin, or one of a site the caller does not have',
      409: "REVISION_CONFLICT: `expectedRevision` is not the twin's revision; TWIN_RETIRED",
      422: "MODEL_UNKNOWN: no such version of the twin's model; LIMITS_INVALID",
    },
  })
  changeModelVersion(
    @Param('twinId') twinId: string,
    @Body() body: unknown,
    @Req() req: AuthenticatedRequest,
  ): Promise<CommandResult> {
    const { version, expectedRevision } = parseBody(modelVersionBody, body);
    return this.commands.execute(
      twinId,
      { type: 'ChangeModelVersion', version },
      meta(req),
      expectedRevision,
    );
  }

  @Requires('engineer')
  @Put(':twinId/limits/:property')
  @Describe({
    summary: "Change a property's limits",
    body: limitsBody,
    response: COMMAND_ANSWER,
    headers: IDEMPOTENCY_HEADER,
    errors: {
      400: 'COMMAND_INVALID: the body is not a valid command (`details.problems` names each field)',
      404: 'TWIN_NOT_FOUND: no such twin, or one of a site the caller does not have',
      409: "REVISION_CONFLICT: `expectedRevision` is not the twin's revision; TWIN_RETIRED",
      422: 'PROPERTY_UNKNOWN, LIMITS_INVALID (out of order, or outside the physical range), VALUE_OUT_OF_BOUNDS',
    },
  })
  changeLimits(
    @Param('twinId') twinId: string,
    @Param('property') property: string,
    @Body() body: unknown,
    @Req() req: AuthenticatedRequest,
  ): Promise<CommandResult> {
    const { limits, expectedRevision } = parseBody(limitsBody, body);
    return this.commands.execute(
      twinId,
      // The decider checks the limits against the model's schema and ordering rules.
      { type: 'ChangeLimits', property, limits: limits as Limits },
      meta(req),
      expectedRevision,
    );
  }

  @Requires('operator')
  @Post(':twinId/maintenance')
  @Describe({
    summary: 'Record maintenance performed',
    description:
      'Resets the named properties (and the maintenance prediction of the component) from `performedAt` on.',
    body: maintenanceBody,
    response: COMMAND_ANSWER,
    headers: IDEMPOTENCY_HEADER,
    errors: {
      400: 'COMMAND_INVALID: the body is not a valid command (`details.problems` names each field)',
      404: 'TWIN_NOT_FOUND: no such twin, or one of a site the caller does not have',
      409: "REVISION_CONFLICT: `expectedRevision` is not the twin's revision; TWIN_RETIRED",
      422: 'PROPERTY_UNKNOWN, TIMESTAMP_IMPLAUSIBLE, PARENT_NOT_FOUND (a componentId that is not below the twin)',
    },
  })
  recordMaintenance(
    @Param('twinId') twinId: string,
    @Body() body: unknown,
    @Req() req: AuthenticatedRequest,
  ): Promise<CommandResult> {
    const { expectedRevision, kind, ...rest } = parseBody(maintenanceBody, body);
    return this.commands.execute(
      twinId,
      { type: 'RecordMaintenance', kind: kind as MaintenanceKind, ...rest },
      meta(req),
      expectedRevision,
    );
  }

  @Requires('engineer')
  @Post(':twinId/retire')
  @Describe({
    summary: 'Retire a twin',
    body: retireBody,
    response: COMMAND_ANSWER,
    headers: IDEMPOTENCY_HEADER,
    errors: {
      400: 'COMMAND_INVALID: the body is not a valid command (`details.problems` names each field)',
      404: 'TWIN_NOT_FOUND: no such twin, or one of a site the caller does not have',
      409: "REVISION_CONFLICT: `expectedRevision` is not the twin's revision; TWIN_RETIRED; CHILDREN_ACTIVE: retire (or move) its children first",
      422: 'PARENT_RETIRED',
    },
  })
  retire(
    @Param('twinId') twinId: string,
    @Body() body: unknown,
    @Req() req: AuthenticatedRequest,
  ): Promise<CommandResult> {
    const { reason, expectedRevision } = parseBody(retireBody, body);
    return this.commands.execute(
      twinId,
      { type: 'RetireTwin', reason },
      meta(req),
      expectedRevision,
    );
  }
}

/**
 * Correlation and causation from headers, and the caller the authentication established (never
 * a header a client could set), so the audit trail says who asked and why.
 */
function meta(req: AuthenticatedRequest): CommandMetaInput {
  const header = (name: string) => {
    const value = req.headers[name];
    return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : undefined;
  };
  const result: CommandMetaInput = {};
  const key = req.headers['idempotency-key'];
  if (key !== undefined) {
    // Printable ASCII, as a UUID or a client's own id would be: what the key is checked against.
    if (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key))
      throw new TwinlogError(
        'COMMAND_INVALID',
        'Idempotency-Key must be 1 to 200 printable characters (a UUID, say), sent once',
        { header: 'Idempotency-Key' },
      );
    result.idempotencyKey = key;
  }
  const correlationId = header('x-correlation-id');
  const causationId = header('x-causation-id');
  if (correlationId) result.correlationId = correlationId;
  if (causationId) result.causationId = causationId;
  const caller = req.principal;
  if (caller) {
    result.actor = caller.id;
    const sites = siteFilterOf(caller);
    if (sites) result.sites = sites;
  }
  return result;
}
