import { Inject, Injectable } from '@nestjs/common';
import {
  excerpt,
  ownValue,
  rollUpWindows,
  type ModelCatalog,
  type PropertySpec,
  type RollUpRule,
  type TwinState,
} from '@twinlog/domain';
import {
  CLOCK,
  MODEL_CATALOG,
  queryInvalid,
  TELEMETRY_STORE,
  type Clock,
} from '@twinlog/service-kit';
import type { TelemetryStore } from '@twinlog/telemetry-store';
import type { TwinStateConfig } from '../config/twin-state.config';
import { HeavyReads } from '../queries/heavy-reads';
import { TwinQueries, type SiteFilter } from '../queries/twin-queries.service';
import { WholeDirectory } from '../replicas/whole-directory';
import { LiveTwins } from '../state/live-twins';
import { TWIN_STATE_CONFIG } from '../tokens';
import type { TelemetryAnswer, TelemetryRollUpAnswer } from './telemetry-answers';
import type { TelemetryQuery } from './telemetry-query-params';
import { telemetryRange, type ReadLoad, type TelemetryRange } from './telemetry-range';

/** Twins a roll-up over time reads at most (a line of 999 machines, with room). */
export const MAX_ROLLUP_MEMBERS = 2_000;

/**
 * A twin's telemetry history, downsampled for charts, and a system's roll-up over time. It
 * reads through twin-state because twin-state knows the twin: its site (the caller's scope),
 * its model (which properties exist, their units and roll-up rules) and its members.
 */
@Injectable()
export class TwinTelemetry {
  /** The embedded store reads synchronously: a few at a time, the rest 503 BUSY beyond a queue. */
  private readonly reads = new HeavyReads(2, 32, 'telemetry reads');

  constructor(
    private readonly queries: TwinQueries,
    private readonly live: LiveTwins,
    private readonly whole: WholeDirectory,
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TWIN_STATE_CONFIG) private readonly config: TwinStateConfig,
  ) {}

  /** `signal`: the client went away (clientGoneSignal); the reads stop. */
  async history(
    twinId: string,
    query: TelemetryQuery,
    see: SiteFilter,
    signal?: AbortSignal,
  ): Promise<TelemetryAnswer> {
    const twin = this.queries.visible(twinId, see);
    const model = this.catalog.get(twin.twinType, twin.modelVersion);
    const specs = query.property.map((property) => {
      const spec = ownValue(model.properties, property);
      if (!spec) throw unknownProperty(property, twin, Object.keys(model.properties));
      return spec;
    });
    const n = query.property.length;
    const range = this.range(query, {
      series: n,
      what: `${n} ${n === 1 ? 'property' : 'properties'}`,
    });
    const series = await this.reads.run(
      () =>
        this.store.downsample({
          twinIds: [twin.twinId],
          properties: query.property,
          from: range.from,
          to: range.to,
          everyMs: range.every.ms,
          ...(signal ? { signal } : {}),
        }),
      signal,
    );
    return {
      ...header(twin.twinId, range),
      series: series.map((s, i) => ({
        property: s.property,
        unit: specs[i]!.unit,
        windows: s.windows,
      })),
    };
  }

  async rollUp(
    twinId: string,
    query: TelemetryQuery,
    see: SiteFilter,
    signal?: AbortSignal,
  ): Promise<TelemetryRollUpAnswer> {
    const root = this.queries.visible(twinId, see);
    const members = this.members(root, see);
    const rules = query.property.map((property) => {
      const rule = ruleOf(property, members, this.catalog);
      if (!rule) throw noRollUp(property, root, rolledUpProperties(members, this.catalog));
      return rule;
    });
    const readers = query.property.map((property) =>
      members
        .filter((m) => specOf(m, property, this.catalog)?.rollup !== undefined)
        .map((m) => m.twinId),
    );
    const range = this.range(query, {
      series: readers.reduce((n, ids) => n + ids.length, 0),
      what: `${members.length} members × ${query.property.length} ${query.property.length === 1 ? 'property' : 'properties'}`,
    });
    // One queue slot per request, its properties one after another: a roll-up of 20 properties
    // in parallel took 20 of the queue's 34 places, and other callers got 503 BUSY.
    const reads = await this.reads.run(async () => {
      const answers = [];
      for (const [i, ids] of readers.entries())
        answers.push(
          ids.length === 0
            ? []
            : await this.store.downsample({
                twinIds: ids,
                properties: [query.property[i]!],
                from: range.from,
                to: range.to,
                everyMs: range.every.ms,
                ...(signal ? { signal } : {}),
              }),
        );
      return answers;
    }, signal);
    const series = query.property.map((property, i) => {
      const { rule, unit } = rules[i]!;
      return {
        property,
        rule,
        unit,
        members: readers[i]!.length,
        windows: rollUpWindows(
          rule,
          reads[i]!.map((s) => s.windows),
        ),
      };
    });
    return { ...header(root.twinId, range), series };
  }

  /** Windows of one twin's properties over [from, to), through the same queue (an explanation's statistics). */
  windows(twinId: string, properties: string[], from: string, to: string, everyMs: number) {
    return this.reads.run(() =>
      this.store.downsample({ twinIds: [twinId], properties, from, to, everyMs }),
    );
  }

  /** The range, with `every` bounded by the request's budget of series × windows. */
  private range(query: TelemetryQuery, load: Omit<ReadLoad, 'budget'>): TelemetryRange {
    return telemetryRange(query, Date.parse(this.clock()), {
      ...load,
      budget: this.config.telemetryReadBudget,
    });
  }

  /**
   * The active twins below `root` the caller may see, as the current roll-up counts them: a
   * twin of another site is left out with everything below it, a retired one too.
   */
  private members(root: TwinState, see: SiteFilter): TwinState[] {
    const found: TwinState[] = [];
    const seen = new Set([root.twinId]);
    const below = (state: TwinState) => {
      for (const { twinId } of state.children) {
        if (seen.has(twinId)) continue; // a corrupt cycle must not hang a query
        seen.add(twinId);
        // Another replica's twin (shared replicas): its hierarchy and site are in the directory.
        const child = this.live.get(twinId) ?? this.whole.get(twinId);
        if (!child || child.status !== 'active' || !see(child.site)) continue;
        found.push(child);
        below(child);
      }
    };
    below(root);
    if (found.length > MAX_ROLLUP_MEMBERS) {
      throw queryInvalid(
        'property',
        `${root.twinId} has ${found.length} twins below it; a roll-up over time reads at most ${MAX_ROLLUP_MEMBERS}`,
      );
    }
    return found;
  }
}

function header(twinId: string, range: TelemetryRange) {
  return {
    twinId,
    from: range.from,
    to: range.to,
    every: range.every.text,
    everyMs: range.every.ms,
    everyChosen: range.chosen,
  };
}

function specOf(
  twin: TwinState,
  property: string,
  catalog: ModelCatalog,
): PropertySpec | undefined {
  if (!catalog.has(twin.twinType, twin.modelVersion)) return undefined;
  return ownValue(catalog.get(twin.twinType, twin.modelVersion).properties, property);
}

/** The rule and unit of the first member whose model rolls the property up (as GET .../rollup). */
function ruleOf(
  property: string,
  members: readonly TwinState[],
  catalog: ModelCatalog,
): { rule: RollUpRule; unit: string } | undefined {
  for (const member of members) {
    const spec = specOf(member, property, catalog);
    if (spec?.rollup) return { rule: spec.rollup, unit: spec.unit };
  }
  return undefined;
}

function rolledUpProperties(members: readonly TwinState[], catalog: ModelCatalog): string[] {
  const names = new Set<string>();
  for (const member of members) {
    if (!catalog.has(member.twinType, member.modelVersion)) continue;
    const { properties } = catalog.get(member.twinType, member.modelVersion);
    for (const [name, spec] of Object.entries(properties)) if (spec.rollup) names.add(name);
  }
  return [...names].sort();
}

function unknownProperty(property: string, twin: TwinState, known: string[]) {
  return queryInvalid(
    'property',
    `property: ${twin.twinType} has no property ${excerpt(property)} (it has ${known.join(', ') || 'none'})`,
    { property, known },
  );
}

function noRollUp(property: string, root: TwinState, known: string[]) {
  return queryInvalid(
    'property',
    `property: no twin below ${root.twinId} rolls up ${excerpt(property)} (rolled up: ${known.join(', ') || 'none'})`,
    { property, rolledUp: known },
  );
}
