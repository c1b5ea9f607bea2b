import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { excerpt, twinHealth, type ModelCatalog } from '@twinlog/domain';
import {
  byCodeUnits,
  Caller,
  Describe,
  filtersOf,
  maySee,
  MODEL_CATALOG,
  PageCursor,
  pageLimit,
  queryInvalid,
  QueryParams,
  keysetPage,
  type Principal,
} from '@twinlog/service-kit';
import { z } from 'zod';
import type { TwinStateConfig } from '../config/twin-state.config';
import { mergeListPages, type ListPage } from '../replicas/merge-list-pages';
import { ReplicaFanOut } from '../replicas/replica-fan-out';
import { TWIN_STATE_CONFIG } from '../tokens';
import {
  AUDIT_QUERY,
  DIFF_QUERY,
  HISTORY_QUERY,
  LIST_QUERY,
  type AuditQueryParams,
  type DiffQuery,
  type HistoryQuery,
  type ListQuery,
} from './twin-query-params';
import { TwinQueries, type SiteFilter } from './twin-queries.service';
import {
  AUDIT_ANSWER,
  DIFF_ANSWER,
  HISTORY_ANSWER,
  LIST_ANSWER,
  PROVENANCE_ANSWER,
} from './twin-answers';
import { ROLL_UP, TWIN_WITH_HEALTH } from '@twinlog/service-kit';

/** Pages of the twins list: after a twin id; of a trail: after a position in it. */
const TWINS_CURSOR = new PageCursor('twins', z.string().min(1).max(128));
const EVENTS_CURSOR = new PageCursor('events', z.int().min(0).max(Number.MAX_SAFE_INTEGER));

/** Questions about twins: now, as of a time, compared between times, and their audit trail. */
@Controller('v1/twins')
export class TwinsHttpController {
  constructor(
    private readonly queries: TwinQueries,
    @Inject(TWIN_STATE_CONFIG) private readonly config: TwinStateConfig,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    private readonly replicas: ReplicaFanOut,
  ) {}

  @Get()
  @QueryParams(LIST_QUERY)
  @Describe({
    summary: 'List the twins',
    description:
      'Every twin the caller may see, by id, filtered by type, level, parent, site and status.',
    response: LIST_ANSWER,
  })
  async list(
    @Query() query: ListQuery,
    @Caller() caller: Principal,
    @Req() request: IncomingMessage,
    @Res({ passthrough: true }) response: ServerResponse,
  ) {
    if (query.twinType !== undefined && !this.catalog.has(query.twinType)) {
      throw queryInvalid(
        'twinType',
        `twinType: no twin model ${excerpt(query.twinType)} (known: ${this.catalog.types().join(', ')})`,
      );
    }
    const local = () => {
      const partitions = this.replicas.markHeld(response);
      return { body: this.listPage(query, caller), partitions };
    };
    if (!this.replicas.spans(request)) return local().body;
    // With shared replicas, every replica's page for the same query, merged (ADR 0023).
    const answers = await this.replicas.ask(request, request.url ?? '/v1/twins', local);
    return mergeListPages(
      answers.map((a) => a.body),
      pageLimit(query.limit, this.config.maxPage),
      (last) => TWINS_CURSOR.encode(last, filtersOf(query)),
    );
  }

  private listPage(query: ListQuery, caller: Principal): ListPage {
    const visible = this.queries.list(query).filter((s) => maySee(caller, s.site));
    const { items, next } = keysetPage(visible, query, {
      cursor: TWINS_CURSOR,
      max: this.config.maxPage,
      keyOf: (s) => s.twinId,
      compare: byCodeUnits,
    });
    return {
      twins: items.map((s) => ({
        twinId: s.twinId,
        twinType: s.twinType,
        level: s.level,
        parentId: s.parentId,
        site: s.site,
        name: s.name,
        status: s.status,
        health: twinHealth(s).status,
        activeAnomalies: Object.keys(s.activeAnomalies).length,
        revision: s.revision,
      })),
      next,
    };
  }

  @Get(':twinId')
  @Describe({
    summary: "A twin's current state and health",
    response: TWIN_WITH_HEALTH,
    errors: { 404: 'TWIN_NOT_FOUND: no such twin, or one of a site the caller does not have' },
  })
  get(@Param('twinId') twinId: string, @Caller() caller: Principal) {
    const state = this.queries.visible(twinId, sitesOf(caller));
    return { ...state, health: twinHealth(state) };
  }

  @Get(':twinId/rollup')
  @Describe({
    summary: "The roll-up of a twin's subtree",
    description:
      "Worst status, least healthy asset, and aggregates by each property's roll-up rule; twins of other sites are left out.",
    response: ROLL_UP,
    errors: { 404: 'TWIN_NOT_FOUND: no such twin, or one of a site the caller does not have' },
  })
  async rollUp(
    @Param('twinId') twinId: string,
    @Caller() caller: Principal,
    @Req() request: IncomingMessage,
  ) {
    const see = sitesOf(caller);
    if (!this.replicas.shared) return this.queries.rollUp(twinId, see);
    // Shared replicas: the states below that other replicas hold are asked of them.
    this.queries.visible(twinId, see);
    const below = this.queries.heldElsewhereBelow(twinId);
    const others = await this.replicas.states(request.headers, below, (ids) =>
      this.queries.states(ids, see),
    );
    return this.queries.rollUp(twinId, see, new Map(others.map((s) => [s.twinId, s])));
  }

  /** `?at=<ISO time>&by=event|record[&subtree=true]`: the state as it was then. */
  @Get(':twinId/history')
  @QueryParams(HISTORY_QUERY)
  @Describe({
    summary: 'A twin as it was at a time',
    description:
      'Folded from its events up to `at`, by event time (what the plant was like) or record time (what Twinlog knew); with `subtree=true`, every twin below and the roll-up then.',
    response: HISTORY_ANSWER,
    errors: {
      404: 'TWIN_NOT_FOUND: no such twin, or one of a site the caller does not have',
      410: "HISTORY_NOT_KEPT: `at` is before the raw telemetry log's kept window (`details.keptFrom`; docs/sizing.md)",
    },
  })
  async history(
    @Param('twinId') twinId: string,
    @Query() query: HistoryQuery,
    @Caller() caller: Principal,
  ) {
    const { at, by } = query;
    this.queries.visible(twinId, sitesOf(caller));
    if (query.subtree)
      return { at, by, ...(await this.queries.subtreeAt(twinId, at, by, sitesOf(caller))) };
    const state = this.queries.scrub(await this.queries.at(twinId, at, by), sitesOf(caller));
    return { at, by, state: { ...state, health: twinHealth(state) } };
  }

  /** `?from=&to=&by=[&subtree=true]`: what changed in the twin (or its subtree) between two times. */
  @Get(':twinId/diff')
  @QueryParams(DIFF_QUERY)
  @Describe({
    summary: 'What changed in a twin between two times',
    description:
      'The changes of its state; with `subtree=true`, of every twin below too (twins of other sites left out), with the twins added to or removed from the subtree in between. A subtree is compared up to `TWIN_STATE_MAX_PAGE` twins, nearest the root first (`truncated` says when more were left out).',
    response: DIFF_ANSWER,
    errors: {
      404: 'TWIN_NOT_FOUND: no such twin, or one of a site the caller does not have',
      410: "HISTORY_NOT_KEPT: `from` or `to` is before the raw telemetry log's kept window (`details.keptFrom`)",
    },
  })
  async diff(
    @Param('twinId') twinId: string,
    @Query() query: DiffQuery,
    @Caller() caller: Principal,
  ) {
    const { from, to, by } = query;
    this.queries.visible(twinId, sitesOf(caller));
    if (query.subtree) {
      const max = this.config.maxPage;
      return {
        from,
        to,
        by,
        ...(await this.queries.subtreeDiff(twinId, from, to, by, max, sitesOf(caller))),
      };
    }
    return {
      from,
      to,
      by,
      changes: await this.queries.diff(twinId, from, to, by, sitesOf(caller)),
    };
  }

  /** `?types=A,B&from=&to=&limit=&cursor=`: the ordered events, by record time, paged. */
  @Get(':twinId/events')
  @QueryParams(AUDIT_QUERY)
  @Describe({
    summary: "A twin's audit trail",
    description:
      'Its events in log order, with who caused each, paged (`limit`, `cursor`, `next`).',
    response: AUDIT_ANSWER,
    errors: { 404: 'TWIN_NOT_FOUND: no such twin, or one of a site the caller does not have' },
  })
  async audit(
    @Param('twinId') twinId: string,
    @Query() query: AuditQueryParams,
    @Caller() caller: Principal,
  ) {
    this.queries.visible(twinId, sitesOf(caller));
    const filters = { twinId, ...filtersOf(query) };
    const after = EVENTS_CURSOR.decode(query.cursor, filters);
    const page = await this.queries.audit(
      twinId,
      {
        limit: pageLimit(query.limit, this.config.maxPage),
        ...(after !== undefined ? { after } : {}),
        ...(query.types ? { types: query.types } : {}),
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
      },
      sitesOf(caller),
    );
    return {
      events: page.events,
      next: page.next === null ? null : EVENTS_CURSOR.encode(page.next, filters),
    };
  }

  @Get(':twinId/properties/:property/source')
  @Describe({
    summary: "Which events set a property's value and limits",
    response: PROVENANCE_ANSWER,
    errors: {
      404: 'TWIN_NOT_FOUND: no such twin, or one of a site the caller does not have',
      422: 'PROPERTY_UNKNOWN: the twin has neither a value nor limits for it',
    },
  })
  provenance(
    @Param('twinId') twinId: string,
    @Param('property') property: string,
    @Caller() caller: Principal,
  ) {
    this.queries.visible(twinId, sitesOf(caller));
    return this.queries.provenance(twinId, property);
  }
}

/** The caller's sites as a filter of twins' sites. */
function sitesOf(caller: Principal): SiteFilter {
  return (site) => maySee(caller, site);
}
