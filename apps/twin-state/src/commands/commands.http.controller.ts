import { Body, Controller, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { Requires, siteFilterOf, type AuthenticatedRequest } from '@twinlog/service-kit';
import type { Limits, MaintenanceKind } from '@twinlog/domain';
import {
  limitsBody,
  maintenanceBody,
  modelVersionBody,
  parseBody,
  registerBody,
  retireBody,
} from './command-bodies';
import { TwinCommands, type CommandMetaInput, type CommandResult } from './twin-commands.service';

/**
 * Commands that change a twin. Each answers with the events it recorded and the twin's new
 * revision; send `expectedRevision` to have a stale decision refused with 409.
 */
@Controller('v1/twins')
export class CommandsHttpController {
  constructor(private readonly commands: TwinCommands) {}

  @Requires('engineer')
  @Post()
  @HttpCode(201)
  register(@Body() body: unknown, @Req() req: AuthenticatedRequest): Promise<CommandResult> {
    const { twinId, ...command } = parseBody(registerBody, body);
    return this.commands.execute(twinId, { type: 'RegisterTwin', ...command }, meta(req));
  }

  @Requires('engineer')
  @Post(':twinId/model-version')
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
