import type { EventEnvelope, Reading } from '@twinlog/domain';
import { KPI_UNITS, type KpiProperty, type ProcessKpiSettings } from './kpi-settings';
import { oeeOf, type ProcessKpis } from './oee';
import { plausibleStep, PointSeries } from './point-series';

/** The producer of the events carrying the figures (twin-state's projector). */
export const PROCESS_KPI_PRODUCER = 'twin-state/process-kpis';

/** The figures are appended once per minute of event time, at whole minutes. */
export const KPI_EVERY_MS = 60_000;
/** A minute is closed this long (event time) after it ended: readings of other partitions come in. */
export const KPI_GRACE_MS = 15_000;
/** A reading holds its value at most this long; a machine silent for longer is not observed. */
export const KPI_HOLD_MS = 300_000;
/** At most this many minutes are made up at once (after an outage): the rest are not. */
const MAX_DUE_PER_PROCESS = 120;
const MAX_DEPTH = 32;

/** The machine readings the figures come from (cnc-milling-machine model). */
const SOURCE = new Map<string, 'state' | 'produced' | 'scrapped'>([
  ['machine_state', 'state'],
  ['parts_produced', 'produced'],
  ['parts_scrapped', 'scrapped'],
]);

interface TwinFacts {
  parentId: string | null;
  twinType: string;
  modelVersion: number;
  registeredAt: number;
  retiredAt?: number;
  /** Its model declares machine_state: it counts in planned time, reporting or not. */
  machine: boolean;
}

interface MachineTrack {
  state: PointSeries;
  produced: PointSeries;
  scrapped: PointSeries;
  firstSeen: number;
  /** The newest reading's event time, at most its record time (a clock ahead closes nothing). */
  newest: number;
  /** The record time of that reading (NaN when unknown). */
  newestRecorded: number;
}

/** A counter step the figures ignored (see `counted`): logged once per machine by the projector. */
export interface CounterGlitch {
  twinId: string;
  property: string;
  at: string;
  from: number;
  to: number;
}

/** A process's figures at the end of one minute, as readings for the process twin. */
export interface KpiEmission {
  processId: string;
  at: number;
  readings: Reading[];
}

/**
 * The reading id of a figure: deterministic, so the log shows what was already appended; apart
 * from the plant simulator's `twin/property/ms`, which a machine's readings carry.
 */
export function kpiReadingId(processId: string, property: string, at: number): string {
  return `${processId}/${property}/${at}/derived`;
}

/**
 * The key figures of every process twin, folded from the log by event time: its descendants'
 * machine_state, parts_produced and parts_scrapped readings (any twin under it that reports
 * them), over the model's rolling window (see `oeeOf`). Pure: time is the events' time; the
 * same events in any batching give the same figures. `due` says which whole minutes of event
 * time have passed and are not yet in the log (the process twin's readings in events whose
 * producer is PROCESS_KPI_PRODUCER mark those that are), so a projector appends each minute once.
 */
export class ProcessKpiProjection {
  private readonly twins = new Map<string, TwinFacts>();
  private readonly machines = new Map<string, MachineTrack>();
  /** Registered twins with a process model: asked per batch, so never found by a scan of all twins. */
  private readonly processIds = new Set<string>();
  /** Each process's machines, found once per change of the hierarchy or of the machines reporting. */
  private readonly machineIdsUnder = new Map<string, string[]>();
  private readonly emitted = new Map<string, number>();
  private retainMs = 2 * 3_600_000;
  /** The newest record time in the log (events seen, or the clock while following). */
  private logTime = -Infinity;
  private glitches: CounterGlitch[] = [];
  /** Counter steps ignored as implausible, since start. */
  glitchCount = 0;

  constructor(
    private readonly settingsOf: (
      twinType: string,
      modelVersion: number,
    ) => ProcessKpiSettings | undefined,
    private readonly isMachine: (twinType: string, modelVersion: number) => boolean = () => false,
  ) {}

  apply(events: readonly EventEnvelope[]): void {
    for (const event of events) {
      this.observe(Date.parse(event.recordedAt));
      if (event.type === 'TwinRegistered') {
        const { parentId, twinType, modelVersion } = event.data;
        const registeredAt = Date.parse(event.occurredAt);
        const machine = this.isMachine(twinType, modelVersion);
        this.twins.set(event.twinId, { parentId, twinType, modelVersion, registeredAt, machine });
        this.machineIdsUnder.clear();
        const settings = this.settingsOf(twinType, modelVersion);
        if (settings) {
          this.retainMs = Math.max(this.retainMs, 2 * settings.windowMs);
          this.processIds.add(event.twinId);
        }
      } else if (event.type === 'TwinRetired') {
        const twin = this.twins.get(event.twinId);
        if (twin) twin.retiredAt = Date.parse(event.occurredAt);
      } else if (event.type === 'TelemetryReported') {
        const own = event.producer === PROCESS_KPI_PRODUCER;
        const recorded = Date.parse(event.recordedAt);
        for (const reading of event.data.readings) this.fold(event.twinId, reading, own, recorded);
      }
    }
  }

  /**
   * The log's time has reached this record time (epoch ms): with every machine silent, minutes
   * still close on it (see `due`). Events bring theirs; a follower adds its clock.
   */
  observe(recordTime: number): void {
    if (recordTime > this.logTime) this.logTime = recordTime;
  }

  /** How far back the figures read (2 windows): a follow need not start earlier than this. */
  get retainedMs(): number {
    return this.retainMs + KPI_HOLD_MS;
  }

  /** Counter glitches seen since the last call. */
  takeGlitches(): CounterGlitch[] {
    const out = this.glitches;
    this.glitches = [];
    return out;
  }

  /** Process twins with figures (registered, with a model that declares them). */
  processes(): string[] {
    return [...this.processIds];
  }

  /** The figures as of `at` (epoch ms); undefined for a twin that is no such process. */
  kpisAt(processId: string, at: number): ProcessKpis | undefined {
    const settings = this.settings(processId);
    if (!settings) return undefined;
    const machines = this.machinesUnder(processId);
    const firstSeen = Math.min(...machines.map((m) => m.track?.firstSeen ?? Infinity));
    return oeeOf(
      machines.map(({ track, facts }) => ({
        ...(facts ? { since: facts.registeredAt } : {}),
        ...(facts?.retiredAt !== undefined ? { until: facts.retiredAt } : {}),
        state: track?.state.points ?? [],
        produced: track?.produced.points ?? [],
        scrapped: track?.scrapped.points ?? [],
      })),
      {
        at,
        windowMs: settings.windowMs,
        holdMs: KPI_HOLD_MS,
        idealCycleTimeS: settings.idealCycleTimeS,
        firstSeen,
      },
    );
  }

  /**
   * The minutes closed by the event time seen, less KPI_GRACE_MS, after the warm-up and within
   * the window, and not yet in the log, oldest first; they count as appended from now on
   * (`forget` takes them back if the append fails). The event time seen is the newest reading
   * under the process or, once the machines were silent longer than the hold, the log's record
   * time less the lag the newest reading had: so a total stop still closes minutes (all down).
   */
  due(): KpiEmission[] {
    const out: KpiEmission[] = [];
    for (const processId of this.processes()) {
      const settings = this.settings(processId)!;
      const machines = this.machinesUnder(processId).flatMap((m) => (m.track ? [m.track] : []));
      if (machines.length === 0) continue;
      const watermark = watermarkOf(machines, this.logTime);
      const last = floorTo(watermark - KPI_GRACE_MS);
      const registered = this.twins.get(processId)!.registeredAt;
      const done = this.emitted.get(processId);
      const firstSeen = Math.min(...machines.map((m) => m.firstSeen));
      let first = ceilTo(
        Math.max(registered, watermark - settings.windowMs, firstSeen + warmUpMs(settings)),
      );
      if (done !== undefined) first = Math.max(first, done + KPI_EVERY_MS);
      first = Math.max(first, last - (MAX_DUE_PER_PROCESS - 1) * KPI_EVERY_MS);
      for (let at = first; at <= last; at += KPI_EVERY_MS) {
        out.push({ processId, at, readings: this.readingsOf(processId, at, settings) });
      }
      if (first <= last) this.emitted.set(processId, last);
    }
    return out;
  }

  /** An append failed: minutes after `at` are due again (at undefined: all of them). */
  forget(processId: string, at: number | undefined): void {
    if (at === undefined) this.emitted.delete(processId);
    else this.emitted.set(processId, at);
  }

  /** The latest minute of a process in the log (or taken as appended). */
  emittedUpTo(processId: string): number | undefined {
    return this.emitted.get(processId);
  }

  private readingsOf(processId: string, at: number, settings: ProcessKpiSettings): Reading[] {
    const kpis = this.kpisAt(processId, at)!;
    const occurredAt = new Date(at).toISOString();
    const readings: Reading[] = [];
    for (const [property, range] of settings.ranges) {
      const value = kpis[property];
      if (value === undefined || !Number.isFinite(value)) continue;
      readings.push({
        readingId: kpiReadingId(processId, property, at),
        property,
        value: Math.min(range.max, Math.max(range.min, rounded(property, value))),
        unit: KPI_UNITS[property],
        occurredAt,
      });
    }
    return readings;
  }

  /** Most readings are of neither kind: they are passed over before any time is parsed. */
  private fold(twinId: string, reading: Reading, own: boolean, recorded: number): void {
    const series = SOURCE.get(reading.property);
    const figure = series === undefined && Object.hasOwn(KPI_UNITS, reading.property);
    if (series === undefined && !figure) return;
    const t = Date.parse(reading.occurredAt);
    if (!Number.isFinite(t) || !Number.isFinite(reading.value)) return;
    if (figure) {
      // Only the projector's own events mark a minute appended: never a reading's id, which anyone can forge.
      if (own && (this.emitted.get(twinId) ?? -Infinity) < t) this.emitted.set(twinId, t);
      return;
    }
    if (series === undefined) return;
    let track = this.machines.get(twinId);
    if (!track) {
      track = {
        state: new PointSeries(KPI_HOLD_MS),
        produced: new PointSeries(KPI_HOLD_MS),
        scrapped: new PointSeries(KPI_HOLD_MS),
        firstSeen: t,
        newest: -Infinity,
        newestRecorded: Number.NaN,
      };
      this.machines.set(twinId, track);
      this.machineIdsUnder.clear();
    }
    if (series !== 'state') this.checkStep(twinId, reading, track[series], t);
    track[series].add(t, reading.value);
    track.firstSeen = Math.min(track.firstSeen, t);
    const seen = Number.isFinite(recorded) ? Math.min(t, recorded) : t;
    if (seen > track.newest) {
      track.newest = seen;
      track.newestRecorded = recorded;
      const horizon = seen - this.retainMs - KPI_HOLD_MS;
      track.state.forgetBefore(horizon);
      track.produced.forgetBefore(horizon);
      track.scrapped.forgetBefore(horizon);
    }
  }

  /** A counter reading in order whose step is implausible for its process: counted for the log. */
  private checkStep(twinId: string, reading: Reading, series: PointSeries, t: number): void {
    const previous = series.points.at(-1);
    if (!previous || t <= previous.t) return;
    const settings = this.processAbove(twinId);
    if (!settings) return;
    const maxStep = Math.ceil(settings.windowMs / 1000 / settings.idealCycleTimeS);
    const step = reading.value >= previous.v ? reading.value - previous.v : reading.value;
    if (plausibleStep(previous.v, reading.value, maxStep) === step) return;
    this.glitchCount += 1;
    if (this.glitches.length < 100)
      this.glitches.push({
        twinId,
        property: reading.property,
        at: reading.occurredAt,
        from: previous.v,
        to: reading.value,
      });
  }

  private processAbove(twinId: string): ProcessKpiSettings | undefined {
    let id: string | null | undefined = this.twins.get(twinId)?.parentId;
    for (let depth = 0; id && depth < MAX_DEPTH; depth++) {
      const settings = this.settings(id);
      if (settings) return settings;
      id = this.twins.get(id)?.parentId;
    }
    return undefined;
  }

  private settings(twinId: string): ProcessKpiSettings | undefined {
    const twin = this.twins.get(twinId);
    return twin && this.settingsOf(twin.twinType, twin.modelVersion);
  }

  /** The machines under a process: those registered with a machine model and those reporting. */
  private machinesUnder(processId: string): { track?: MachineTrack; facts?: TwinFacts }[] {
    return this.machineIdsOf(processId).map((twinId) => {
      const track = this.machines.get(twinId);
      const facts = this.twins.get(twinId);
      return { ...(track ? { track } : {}), ...(facts ? { facts } : {}) };
    });
  }

  private machineIdsOf(processId: string): string[] {
    const known = this.machineIdsUnder.get(processId);
    if (known) return known;
    const under: string[] = [];
    const ids = new Set([...this.machines.keys()]);
    for (const [twinId, facts] of this.twins) if (facts.machine) ids.add(twinId);
    for (const twinId of ids) {
      let id: string | null | undefined = this.twins.get(twinId)?.parentId;
      for (let depth = 0; id && depth < MAX_DEPTH; depth++) {
        if (id === processId) {
          under.push(twinId);
          break;
        }
        id = this.twins.get(id)?.parentId;
      }
    }
    this.machineIdsUnder.set(processId, under);
    return under;
  }
}

/**
 * The event time a process has reached: its newest machine reading, or (machines silent longer
 * than the hold) the log's record time less the lag between record and event time that reading
 * had. The hold keeps a machine that is merely slow from having its minutes closed early.
 */
function watermarkOf(machines: readonly MachineTrack[], logTime: number): number {
  let newest = machines[0]!;
  for (const m of machines) if (m.newest > newest.newest) newest = m;
  const lag = newest.newestRecorded - newest.newest;
  const byLog = logTime - lag - KPI_HOLD_MS;
  return Number.isFinite(byLog) ? Math.max(newest.newest, byLog) : newest.newest;
}

/**
 * Figures start once the machines were watched a sixth of the window (at most 10 minutes): in
 * the first minutes a part under way counts run time but no part yet, so performance and OEE
 * would read far too low.
 */
const warmUpMs = (settings: ProcessKpiSettings) => Math.min(settings.windowMs / 6, 600_000);

const floorTo = (t: number) => Math.floor(t / KPI_EVERY_MS) * KPI_EVERY_MS;
const ceilTo = (t: number) => Math.ceil(t / KPI_EVERY_MS) * KPI_EVERY_MS;

/** Figures as a plant engineer reads them: fractions to 4 places, rates and times to 2. */
function rounded(property: KpiProperty, value: number): number {
  const places = KPI_UNITS[property] === '1' ? 4 : 2;
  const f = 10 ** places;
  return Math.round(value * f) / f;
}
