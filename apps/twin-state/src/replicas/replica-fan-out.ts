import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { TwinlogError } from '@twinlog/domain';
import type { TwinStateConfig } from '../config/twin-state.config';
import { MAX_STATES } from '../queries/twin-states-limit';
import { LiveTwins } from '../state/live-twins';
import { TWIN_STATE_CONFIG } from '../tokens';
import { FORWARDED_HEADER, ownerUrl } from './forward-to-owner';
import { TwinOwnership } from './twin-ownership';

/** On a replica's answer to a fanned-out read: the partitions whose twins it answered for. */
export const HELD_HEADER = 'x-twinlog-partitions';
/** Headers a fanned-out read passes on: who asks, and what they accept. */
const PASSED = ['authorization', 'x-api-key', 'accept', 'x-correlation-id'];
const ASK_TIMEOUT_MS = 30_000;
/** A replica's rebuild that sends nothing (not even progress) for this long is given up on. */
const STREAM_IDLE_MS = 60_000;
/** A read that met a partition changing hands is asked again once, after this long. */
const RETRY_AFTER_MS = 500;

/** One replica's answer to a fanned-out read. */
export interface ReplicaAnswer<T> {
  body: T;
  partitions: number[];
}

/**
 * Reads that span twins (the list) with replicas that share the partitions (ADR 0023): the
 * replica a client reached answers for its own partitions and asks every other owner the same
 * question, marked as a hop so they answer for theirs only. Each answer says which partitions it
 * covers; together they must cover every partition once, or the read met a handover: it is asked
 * again once, then answered 503 PARTITION_MOVING rather than with twins missing or twice.
 */
@Injectable()
export class ReplicaFanOut {
  constructor(
    private readonly ownership: TwinOwnership,
    private readonly twins: LiveTwins,
    @Inject(TWIN_STATE_CONFIG) private readonly config: TwinStateConfig,
  ) {}

  get shared(): boolean {
    return this.ownership.shared;
  }

  /** Whether this request is the one to fan out: shared replicas, and not itself a hop. */
  spans(request: IncomingMessage): boolean {
    return this.ownership.shared && request.headers[FORWARDED_HEADER] === undefined;
  }

  /**
   * Marks this replica's own answer to a hop with the partitions it answers for; returns them.
   * Call it as the answer is computed (the same tick), so that the two agree.
   */
  markHeld(response: { setHeader(name: string, value: string): unknown }): number[] {
    const held = this.twins.heldPartitions() ?? [];
    if (this.ownership.shared) response.setHeader(HELD_HEADER, held.join(','));
    return held;
  }

  /**
   * The same question to every replica: `local` computes this one's answer (called again on a
   * retry), `path` is what the others are asked.
   */
  async ask<T>(
    request: IncomingMessage,
    path: string,
    local: () => ReplicaAnswer<T>,
  ): Promise<Array<ReplicaAnswer<T>>> {
    for (let attempt = 0; ; attempt += 1) {
      const answers = await this.askOnce(request.headers, path, local);
      if (answers) return answers;
      if (attempt >= 1) throw moving();
      await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS));
    }
  }

  /**
   * The states of these twins, wherever they are: `local` answers for the ones held here, each
   * other owner for its own. Twins whose partition is moving are asked again once, then 503
   * PARTITION_MOVING. Twins nobody has (or the caller may not see) are simply not in the answer.
   */
  async states<T>(
    headers: IncomingHttpHeaders,
    twinIds: string[],
    local: (twinIds: string[]) => StatesAnswer<T>,
  ): Promise<T[]> {
    const found: T[] = [];
    let pending = [...new Set(twinIds)];
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 1) throw moving();
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS));
      await this.ownership.settled(this.config.replicas.handoverWaitMs);
      const byOwner = new Map<string, string[]>();
      const here: string[] = [];
      const unplaced: string[] = [];
      for (const twinId of pending) {
        const place = this.ownership.where(twinId);
        if (place.kind === 'here') here.push(twinId);
        else if (place.kind === 'owner')
          byOwner.set(place.url, [...(byOwner.get(place.url) ?? []), twinId]);
        else unplaced.push(twinId);
      }
      const answers = [
        local(here),
        ...(await Promise.all(
          [...byOwner].flatMap(([url, ids]) =>
            // At most MAX_STATES a request, as the route takes them.
            chunks(ids, MAX_STATES).map((chunk) =>
              this.askStates<T>(url, chunk, headers).catch(() => ({ twins: [], moving: chunk })),
            ),
          ),
        )),
      ];
      for (const answer of answers) found.push(...answer.twins);
      pending = [...unplaced, ...answers.flatMap((a) => a.moving)];
    }
    return found;
  }

  private async askStates<T>(
    url: string,
    twinIds: string[],
    headers: IncomingHttpHeaders,
  ): Promise<StatesAnswer<T>> {
    const answer = await fetch(new URL('/v1/twins/states', `${url}/`), {
      method: 'POST',
      headers: this.passedHeaders(headers, { 'content-type': 'application/json' }),
      body: JSON.stringify({ twinIds }),
      signal: AbortSignal.timeout(ASK_TIMEOUT_MS),
    });
    if (answer.status !== 200) {
      await answer.body?.cancel();
      return { twins: [], moving: twinIds };
    }
    return (await answer.json()) as StatesAnswer<T>;
  }

  /**
   * Every other replica's answer to a POST that streams NDJSON lines (the whole rebuild): each
   * line is handed to `onLine(i, line)`; resolves when every stream ended. Checks first that the
   * replicas, with this one's `held` partitions, cover every partition once.
   */
  async streamFromOthers(
    headers: IncomingHttpHeaders,
    path: string,
    held: number[],
  ): Promise<Array<(onLine: (line: unknown) => void) => Promise<void>>> {
    if (!(await this.ownership.settled(this.config.replicas.handoverWaitMs))) throw moving();
    const map = this.ownership.map();
    if (!map) throw moving();
    const others = map.owners.filter((o) => o.memberId !== map.self);
    const aborts = others.map(() => new AbortController());
    const answers = await Promise.all(
      others.map((o, i) =>
        fetch(ownerUrl(o.url, path), {
          method: 'POST',
          headers: this.passedHeaders(headers),
          signal: aborts[i]!.signal,
        }).catch(() => undefined),
      ),
    );
    const parts = answers.map((a) => (a?.status === 200 ? heldBy(a) : undefined));
    if (
      parts.some((p) => p === undefined) ||
      !coversOnce([held, ...(parts as number[][])], map.partitions)
    ) {
      await Promise.all(answers.map((a) => a?.body?.cancel()));
      throw moving();
    }
    return answers.map((answer, i) => async (onLine) => {
      // A replica silent for this long (no progress line) is given up on.
      let idle: NodeJS.Timeout | undefined;
      const awake = () => {
        clearTimeout(idle);
        idle = setTimeout(
          () => aborts[i]!.abort(new Error('no progress for 60 s')),
          STREAM_IDLE_MS,
        );
      };
      awake();
      const decoder = new TextDecoder();
      let rest = '';
      try {
        for await (const chunk of answer!.body! as unknown as AsyncIterable<Uint8Array>) {
          awake();
          rest += decoder.decode(chunk, { stream: true });
          const lines = rest.split('\n');
          rest = lines.pop() ?? '';
          for (const line of lines) if (line.trim() !== '') onLine(JSON.parse(line));
        }
        rest += decoder.decode();
        if (rest.trim() !== '') onLine(JSON.parse(rest));
      } finally {
        clearTimeout(idle);
      }
    });
  }

  /** The caller's credential and headers, marked as a hop. */
  private passedHeaders(headers: IncomingHttpHeaders, extra: Record<string, string> = {}): Headers {
    const { replicas } = this.config;
    const passed = new Headers(extra);
    for (const name of PASSED) {
      const value = headers[name];
      if (typeof value === 'string') passed.set(name, value);
    }
    passed.set(FORWARDED_HEADER, replicas.shared ? replicas.url : 'self');
    return passed;
  }

  private async askOnce<T>(
    headers: IncomingHttpHeaders,
    path: string,
    local: () => ReplicaAnswer<T>,
  ): Promise<Array<ReplicaAnswer<T>> | undefined> {
    if (!(await this.ownership.settled(this.config.replicas.handoverWaitMs))) return undefined;
    const map = this.ownership.map();
    if (!map || !this.config.replicas.shared) return undefined;
    const others = map.owners.filter((o) => o.memberId !== map.self);
    const remote = await Promise.all(
      others.map((o) => this.askReplica<T>(o.url, path, headers).catch(() => undefined)),
    );
    const answers = [local(), ...remote];
    if (answers.some((a) => a === undefined)) return undefined;
    const whole = answers as Array<ReplicaAnswer<T>>;
    return coversOnce(
      whole.map((a) => a.partitions),
      map.partitions,
    )
      ? whole
      : undefined;
  }

  private async askReplica<T>(
    url: string,
    path: string,
    headers: IncomingHttpHeaders,
  ): Promise<ReplicaAnswer<T> | undefined> {
    const answer = await fetch(ownerUrl(url, path), {
      headers: this.passedHeaders(headers),
      signal: AbortSignal.timeout(ASK_TIMEOUT_MS),
    });
    // The caller's own faults (a bad query, a missing role) were answered here before asking:
    // anything but an answer means the replica cannot answer for its partitions now.
    if (answer.status !== 200) {
      await answer.body?.cancel();
      return undefined;
    }
    return { body: (await answer.json()) as T, partitions: heldBy(answer) };
  }
}

/** What one replica answers for a set of twins: their states, and those it does not hold now. */
export interface StatesAnswer<T> {
  twins: T[];
  moving: string[];
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The partitions another replica's answer says it covers (markHeld's header). */
function heldBy(answer: Response): number[] {
  return (answer.headers.get(HELD_HEADER) ?? '')
    .split(',')
    .filter((p) => p !== '')
    .map(Number);
}

/** Whether the answers' partitions are every partition exactly once. */
export function coversOnce(held: number[][], partitions: number): boolean {
  const seen = new Set<number>();
  for (const p of held.flat()) {
    if (seen.has(p) || !Number.isInteger(p) || p < 0 || p >= partitions) return false;
    seen.add(p);
  }
  return seen.size === partitions;
}

function moving(): TwinlogError {
  return new TwinlogError(
    'PARTITION_MOVING',
    'Twins are changing replicas: the answer would miss some; ask again in a moment',
    { retryAfterSeconds: 1 },
  );
}
