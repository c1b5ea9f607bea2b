import type { ServerResponse } from 'node:http';
import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import {
  Caller,
  clientGoneSignal,
  Describe,
  maySee,
  QueryParams,
  type Principal,
} from '@twinlog/service-kit';
import { TELEMETRY_ANSWER, TELEMETRY_ROLLUP_ANSWER } from './telemetry-answers';
import { TELEMETRY_QUERY, type TelemetryQuery } from './telemetry-query-params';
import { TwinTelemetry } from './twin-telemetry.service';

const NOT_FOUND = {
  404: 'TWIN_NOT_FOUND: no such twin, or one of a site the caller does not have',
};

/** A twin's telemetry for charts: downsampled per window, and rolled up over a system's members. */
@Controller('v1/twins')
export class TelemetryHttpController {
  constructor(private readonly telemetry: TwinTelemetry) {}

  /** `?property=a,b&from=&to=&every=`: mean, min, max, last and count per window. */
  @Get(':twinId/telemetry')
  @QueryParams(TELEMETRY_QUERY)
  @Describe({
    summary: "Downsample a twin's telemetry",
    description:
      'Per property and epoch-aligned window of `every`: mean, min, max, last and count. `property` is a comma list; `to` defaults to now, `from` to an hour before `to`, `every` to the step giving about 1,000 windows. At most 10,000 windows per property, and properties × windows within TWIN_STATE_TELEMETRY_READ_BUDGET (200,000 by default); beyond either, a 400 naming the shortest `every` that fits.',
    response: TELEMETRY_ANSWER,
    errors: NOT_FOUND,
  })
  history(
    @Param('twinId') twinId: string,
    @Query() query: TelemetryQuery,
    @Caller() caller: Principal,
    @Res({ passthrough: true }) response: ServerResponse,
  ) {
    return this.telemetry.history(
      twinId,
      query,
      (site) => maySee(caller, site),
      clientGoneSignal(response),
    );
  }

  /** `?property=power_consumption&from=&to=&every=15m`: the members' windows combined by the rule. */
  @Get(':twinId/telemetry/rollup')
  @QueryParams(TELEMETRY_QUERY)
  @Describe({
    summary: "Roll a system's telemetry up over time",
    description:
      "Per window, the members' (the active twins below, of the caller's sites) windows combined by the property's roll-up rule: sum and mean of their means, min of their minima, max of their maxima; with how many members contributed. The members' series × windows must stay within TWIN_STATE_TELEMETRY_READ_BUDGET (200,000 by default): `every` is chosen within it, and a shorter one is a 400 naming the shortest that fits (or, when none does, the members).",
    response: TELEMETRY_ROLLUP_ANSWER,
    errors: NOT_FOUND,
  })
  rollUp(
    @Param('twinId') twinId: string,
    @Query() query: TelemetryQuery,
    @Caller() caller: Principal,
    @Res({ passthrough: true }) response: ServerResponse,
  ) {
    return this.telemetry.rollUp(
      twinId,
      query,
      (site) => maySee(caller, site),
      clientGoneSignal(response),
    );
  }
}
