import { Inject, Injectable } from '@nestjs/common';
import {
  bounded,
  diffStates,
  excerpt,
  foldTwin,
  initialTwinState,
  hasOwnName,
  isTwinlogError,
  ownValue,
  rollUp,
  twinHealth,
  TwinlogError,
  TWIN_STATE_STREAMS,
  type EventEnvelope,
  type StateChange,
  type TwinState,
  type ModelCatalog,
} from '@twinlog/domain';
import type { EventLog, ReadStreamOptions } from '@twinlog/event-log';
import { byCodeUnits, EVENT_LOG, MODEL_CATALOG } from '@twinlog/service-kit';
import { WholeDirectory } from '../replicas/whole-directory';
import { LiveTwins } from '../state/live-twins';
import { auditPageOf, type AuditQuery } from './audit-page';
import { foldInChunks, HeavyReads } from './heavy-reads';
import { namesHidden, type SiteFilter } from './relatives';
import { subtreeChanges, walkTree } from './subtree-diff';

/** Where a diff starts when the twin did not exist at `from`: nothing, not an invented state. */
export const NOT_YET_REGISTERED = 'twin';

/** Which clock a time-travel question is asked on. */
export type TimeAxis = 'event' | 'record';

export interface TwinFilter {
  twinType?: string;
  level?: string;
  parentId?: string;
  site?: string;
  status?: string;
}

/**
 * Every question about a twin's state. Current state comes from the live, in-memory state;
 * anything "as of T" is folded from the twin's own events in the log (the truth), read up to T
 * by event time (what the plant was like) or by record time (what Twinlog knew).
 */
@Injectable()
export class TwinQueries {
  private readonly heavy = new HeavyReads();

  constructor(
    private readonly live: LiveTwins,
    private readonly whole: WholeDirectory,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
  ) {}

  current(twinId: string): TwinState {
    const state = this.live.get(twinId);
    if (!state) throw notFound(twinId);
    return state;
  }

  /**
   * The twin as a caller scoped to some sites sees it: not found when its site is not theirs
   * (a twin of another site is indistinguishable from none), and without children of other sites.
   */
  visible(twinId: string, see: SiteFilter): TwinState {
    const state = this.live.get(twinId);
    if (!state || !see(state.site)) throw notFound(twinId);
    return this.scrub(state, see);
  }

  /**
   * Throws TWIN_NOT_FOUND unless the twin exists and the caller may see it, wherever it is held
   * (shared replicas: another replica's twin is known from the directory).
   */
  seenAnywhere(twinId: string, see: SiteFilter): void {
    const state = this.live.get(twinId) ?? this.whole.get(twinId);
    if (!state || !see(state.site)) throw notFound(twinId);
  }

  /**
   * A state (now or as of a time) as a caller of some sites may see it: children of other sites
   * left out, a parent of another site not named. A twin's site never changes, so the live one
   * says where each relative is.
   */
  scrub(state: TwinState, see: SiteFilter): TwinState {
    const seen = (id: string) => see(this.siteOf(id));
    const children = state.children.filter((c) => seen(c.twinId));
    const hideParent = state.parentId !== null && !seen(state.parentId);
    if (children.length === state.children.length && !hideParent) return state;
    return { ...state, children, ...(hideParent ? { parentId: null } : {}) };
  }

  /** Whether an event of the audit trail names a relative of another site (it is left out). */
  private namesHidden(event: EventEnvelope, see: SiteFilter): boolean {
    return namesHidden(event, see, (id) => this.siteOf(id));
  }

  /** A twin's site: from its live state, or (another replica's twin) the directory. */
  private siteOf(twinId: string): string | null {
    return (this.live.get(twinId) ?? this.whole.get(twinId))?.site ?? null;
  }

  list(filter: TwinFilter): TwinState[] {
    return this.live
      .all()
      .filter(
        (s) =>
          (!filter.twinType || s.twinType === filter.twinType) &&
          (!filter.level || s.level === filter.level) &&
          (!filter.parentId || s.parentId === filter.parentId) &&
          (!filter.site || s.site === filter.site) &&
          (!filter.status || s.status === filter.status),
      )
      .sort((a, b) => byCodeUnits(a.twinId, b.twinId));
  }

  /** The roll-up over the twins below, leaving out those of sites the caller cannot see. */
  rollUp(twinId: string, see: SiteFilter = everySite, others?: ReadonlyMap<string, TwinState>) {
    return rollUp(
      this.visible(twinId, see),
      (id) => visibleTo(see, this.live.get(id) ?? others?.get(id)),
      this.catalog,
    );
  }

  /**
   * The twins below `twinId` that other replicas hold (shared replicas): the hierarchy comes from
   * the directory, which knows every twin; their states are those replicas' to answer.
   */
  heldElsewhereBelow(twinId: string): string[] {
    const found: string[] = [];
    const seen = new Set([twinId]);
    const below = (id: string) => {
      const state = this.live.get(id) ?? this.whole.get(id);
      for (const { twinId: child } of state?.children ?? []) {
        if (seen.has(child)) continue; // a corrupt cycle must not hang a query
        seen.add(child);
        if (!this.live.get(child)) found.push(child);
        below(child);
      }
    };
    below(twinId);
    return found;
  }

  /**
   * The states of the twins asked, as the caller may see them, of those held here; the others
   * (another replica's partition, or one being handed over) are named in `moving`.
   */
  states(twinIds: string[], see: SiteFilter) {
    const twins: Array<TwinState & { health: ReturnType<typeof twinHealth> }> = [];
    const moving: string[] = [];
    for (const twinId of new Set(twinIds)) {
      if (!this.live.holdsLive(twinId)) {
        moving.push(twinId);
        continue;
      }
      const state = this.live.get(twinId);
      if (!state || !see(state.site)) continue;
      const scrubbed = this.scrub(state, see);
      twins.push({ ...scrubbed, health: twinHealth(scrubbed) });
    }
    return { twins, moving };
  }

  /** The twin as of `at`: its events up to then, folded. */
  at(twinId: string, at: string, axis: TimeAxis): Promise<TwinState> {
    return this.heavy.run(() => this.foldAt(twinId, at, axis));
  }

  private async foldAt(twinId: string, at: string, axis: TimeAxis): Promise<TwinState> {
    refuseBeforeKeptWindow(this.log, at, axis);
    const events = await this.log.readStream(twinId, untilOptions(at, axis));
    const state = await foldInChunks(events, initialTwinState(twinId), foldTwin);
    if (state.status === 'unregistered') {
      throw new TwinlogError(
        'TWIN_NOT_FOUND',
        `Twin ${bounded(twinId)} did not exist at ${at} (${axis} time)`,
        {
          twinId,
          at,
          axis,
        },
      );
    }
    return state;
  }

  /** The twin and everything below it as of `at`, with the roll-up as it was then. */
  async subtreeAt(twinId: string, at: string, axis: TimeAxis, see: SiteFilter = everySite) {
    const states = new Map<string, TwinState>();
    const visit = async (id: string): Promise<void> => {
      if (states.has(id)) return;
      // A child registered after T is simply not part of the tree then; other errors surface.
      const state = await this.at(id, at, axis).catch(unlessNotFound(undefined));
      if (!state || !see(state.site)) return;
      states.set(id, this.scrub(state, see));
      for (const child of state.children) await visit(child.twinId);
    };
    await visit(twinId);
    const root = states.get(twinId);
    if (!root) throw notFound(twinId);
    return {
      twins: [...states.values()].map((s) => ({ ...s, health: twinHealth(s) })),
      rollUp: rollUp(root, (id) => states.get(id), this.catalog),
    };
  }

  async diff(
    twinId: string,
    from: string,
    to: string,
    axis: TimeAxis,
    see: SiteFilter = everySite,
  ): Promise<StateChange[]> {
    const after = this.scrub(await this.at(twinId, to, axis), see);
    const scrubbed = (state: TwinState | undefined) => state && this.scrub(state, see);
    const before = scrubbed(await this.at(twinId, from, axis).catch(unlessNotFound(undefined)));
    // Before the twin existed it had no state: one change from nothing to the whole twin, not
    // a diff against an empty state's placeholders (level "component", type "").
    if (!before) return [{ path: NOT_YET_REGISTERED, before: null, after: factsOf(after) }];
    return diffStates(before, after);
  }

  /**
   * What changed in every twin of the subtree between two times: the subtree at `from` and at
   * `to` (each walked breadth first, at most `max` twins a caller may see), twin by twin. A
   * subtree larger than `max` is cut off at the same depth on both sides: `truncated` says so.
   */
  async subtreeDiff(
    twinId: string,
    from: string,
    to: string,
    axis: TimeAxis,
    max: number,
    see: SiteFilter = everySite,
  ) {
    const stateAt = (at: string) => async (id: string) => {
      // A twin registered after that time is simply not part of the tree then.
      const state = await this.at(id, at, axis).catch(unlessNotFound(undefined));
      return state && see(state.site) ? this.scrub(state, see) : undefined;
    };
    const after = await walkTree(twinId, max, stateAt(to));
    if (!after.states.has(twinId)) await this.at(twinId, to, axis); // 404 naming the time
    const before = await walkTree(twinId, max, stateAt(from));
    return {
      twins: subtreeChanges(before.states, after.states),
      compared: new Set([...before.states.keys(), ...after.states.keys()]).size,
      truncated: before.truncated || after.truncated,
    };
  }

  /**
   * The twin's events in log order, newest last, paged by position in the trail: every stream,
   * its alerts too (an alert's events are keyed by its group's twin, with who acted on it).
   */
  audit(twinId: string, query: AuditQuery, see: SiteFilter = everySite) {
    return this.heavy.run(() => this.auditPage(twinId, query, see));
  }

  private async auditPage(twinId: string, query: AuditQuery, see: SiteFilter) {
    const read = await this.log.readStream(twinId, query.types ? { types: query.types } : {});
    // A registration under another site's parent, or a child of another site: not this caller's.
    const events = read.filter((e) => !this.namesHidden(e, see));
    if (events.length === 0 && !this.live.get(twinId)) throw notFound(twinId);
    return auditPageOf(events, query);
  }

  /** Which event set a property's current value, and which set its limits. */
  provenance(twinId: string, property: string) {
    this.current(twinId);
    return this.heavy.run(() => this.sources(twinId, property));
  }

  /**
   * The live state names the event that set the value: read that one by id, and only the
   * limit-setting events of the (small) twin-events stream, never the telemetry history.
   */
  private async sources(twinId: string, property: string) {
    const state = this.current(twinId);
    const reported = ownValue(state.reported, property);
    const [valueEvent] = reported
      ? await this.log.readStream(twinId, { ids: [reported.eventId] })
      : [];
    const limitSetters = await this.log.readStream(twinId, {
      streams: ['twin-events'],
      types: ['TwinRegistered', 'ModelVersionChanged', 'LimitsChanged'],
    });
    const limitsEvent = [...limitSetters].reverse().find((e) => setsLimitsOf(e, property));
    if (!reported && !limitsEvent) {
      throw new TwinlogError(
        'PROPERTY_UNKNOWN',
        `Twin ${bounded(twinId)} has no value or limits for ${excerpt(property)}`,
        {
          twinId,
          property,
        },
      );
    }
    return {
      twinId,
      property,
      value: reported ?? null,
      valueSetBy: valueEvent ?? null,
      limits: ownValue(state.limits, property) ?? null,
      limitsSetBy: limitsEvent ?? null,
    };
  }
}

/** Whether a caller may see twins of a site (null: a twin without a site). */
export type { SiteFilter };

const everySite: SiteFilter = () => true;

function visibleTo(see: SiteFilter, state: TwinState | undefined): TwinState | undefined {
  return state && see(state.site) ? state : undefined;
}

/** A rejection handler that turns TWIN_NOT_FOUND into `fallback` and rethrows anything else. */
function unlessNotFound<T>(fallback: T): (error: unknown) => T {
  return (error) => {
    if (isTwinlogError(error, 'TWIN_NOT_FOUND')) return fallback;
    throw error;
  };
}

/** A state without the bookkeeping a diff leaves out. */
function factsOf(state: TwinState): Partial<TwinState> {
  const { revision: _r, telemetryRevision: _t, ...facts } = state;
  return facts;
}

function setsLimitsOf(event: EventEnvelope, property: string): boolean {
  switch (event.type) {
    case 'LimitsChanged':
      return event.data.property === property;
    case 'ModelVersionChanged':
    case 'TwinRegistered':
      return hasOwnName(event.data.limits, property);
    default:
      return false;
  }
}

/** A state as of `at` folds the twin's own streams: its alerts (ADR 0002) change nothing of it. */
function untilOptions(at: string, axis: TimeAxis): ReadStreamOptions {
  const streams = [...TWIN_STATE_STREAMS];
  return axis === 'event' ? { streams, occurredUntil: at } : { streams, recordedUntil: at };
}

/** Before the raw telemetry log's kept window the log no longer folds a state (docs/adr/0024). */
function refuseBeforeKeptWindow(log: EventLog, at: string, axis: TimeAxis): void {
  const keptFrom = log.telemetryRetention?.keptFrom();
  if (!keptFrom || Date.parse(at) >= Date.parse(keptFrom)) return;
  throw new TwinlogError(
    'HISTORY_NOT_KEPT',
    `The raw telemetry log is kept from ${keptFrom}: a state as of ${at} can no longer be folded from it. The twin's readings before then are in its telemetry (GET /v1/twins/{id}/telemetry), its events in its audit trail`,
    { at, axis, keptFrom },
  );
}

function notFound(twinId: string): TwinlogError {
  return new TwinlogError('TWIN_NOT_FOUND', `Twin ${bounded(twinId)} is not registered`, {
    twinId: bounded(twinId),
  });
}
