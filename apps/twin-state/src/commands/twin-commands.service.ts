import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  bounded,
  decideTwin,
  foldTwin,
  initialTwinState,
  stampEvents,
  TwinlogError,
  type DecideContext,
  type NewEvent,
  type TwinCommand,
  type TwinState,
  type ModelCatalog,
} from '@twinlog/domain';
import type { EventLog } from '@twinlog/event-log';
import { EVENT_LOG, MODEL_CATALOG } from '@twinlog/service-kit';
import type { TwinStateConfig } from '../config/twin-state.config';
import { partitionMoving } from '../replicas/partition-moving';
import { TwinOwnership } from '../replicas/twin-ownership';
import { KeyedSerialQueue } from '../state/keyed-serial-queue';
import { LiveTwins } from '../state/live-twins';
import { TWIN_STATE_CONFIG } from '../tokens';

export interface CommandResult {
  twinId: string;
  /** The twin's revision after the command (unchanged when it decided nothing). */
  revision: number;
  events: Array<{ id: string; type: string }>;
  /** Set when an Idempotency-Key named a command applied before: this is its answer again. */
  replayed?: true;
}

export interface CommandMetaInput {
  correlationId?: string;
  causationId?: string;
  /** Who asked (the authenticated caller): kept in the events' producer. */
  actor?: string;
  /** The sites the caller may act on; a twin (or a new twin's site, or its parent) elsewhere is not found. */
  sites?: (site: string | null) => boolean;
  /**
   * The caller's Idempotency-Key: the command's event ids derive from it (with the caller and
   * the twin), so a command sent again with the same key answers what the first did, once.
   */
  idempotencyKey?: string;
}

/**
 * The twin aggregate's single writer: loads a twin's decision state from the log (its
 * twin-events stream), decides, and appends with the revision it decided on, so a concurrent
 * change fails with REVISION_CONFLICT (409) instead of being overwritten. Commands for one twin
 * are queued in this instance; across instances, route a twin's commands to one writer
 * (docs/adr/0002).
 */
@Injectable()
export class TwinCommands {
  /** Commands for one twin run one after another, in arrival order. */
  private readonly queue = new KeyedSerialQueue();

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(TWIN_STATE_CONFIG) private readonly config: TwinStateConfig,
    private readonly ownership: TwinOwnership,
    private readonly live: LiveTwins,
  ) {}

  /**
   * Shared replicas: this one must still own the twin, caught up, when a command queued here
   * runs and again just before its append (the group may have moved the partition meanwhile).
   */
  private stillOwner(twinId: string): void {
    if (this.ownership.where(twinId).kind !== 'here' || !this.live.holdsLive(twinId))
      throw partitionMoving(twinId);
  }

  /**
   * A caller scoped to some sites acts only there: on an existing twin of its sites, and
   * registers only in its sites. Another site's twin answers as if it did not exist.
   */
  private checkSites(
    command: TwinCommand,
    state: TwinState,
    sites: CommandMetaInput['sites'],
  ): void {
    if (!sites) return;
    const registering = command.type === 'RegisterTwin' && state.status === 'unregistered';
    // Another site's twin and no twin at all answer alike: the decider's own "not found".
    if (!registering && (state.status === 'unregistered' || !sites(state.site))) {
      throw new TwinlogError('TWIN_NOT_FOUND', `Twin ${bounded(state.twinId)} is not registered`, {
        twinId: bounded(state.twinId),
      });
    }
    const site = registering ? (command.site ?? null) : state.site;
    if (!sites(site)) {
      throw new TwinlogError(
        'SITE_FORBIDDEN',
        `This caller may not act on site ${bounded(String(site))}`,
        { site },
      );
    }
  }

  /** Runs a command for one twin; `expectedRevision`, when given, must be the twin's revision. */
  execute(
    twinId: string,
    command: TwinCommand,
    meta: CommandMetaInput = {},
    expectedRevision?: number,
  ): Promise<CommandResult> {
    // Registering under a parent holds the parent too: its children rule is decided and attached at once.
    const locks =
      command.type === 'RegisterTwin' &&
      command.parentId !== undefined &&
      command.parentId !== twinId
        ? [command.parentId, twinId]
        : [twinId];
    return this.queue.runAll(locks, async () => {
      this.stillOwner(twinId);
      const commandId = meta.idempotencyKey
        ? idempotentCommandId(meta.actor, twinId, meta.idempotencyKey)
        : randomUUID();
      if (meta.idempotencyKey) {
        const earlier = await this.earlierResult(twinId, commandId);
        if (earlier) return earlier;
      }
      const state = await this.load(twinId);
      this.checkSites(command, state, meta.sites);
      if (expectedRevision !== undefined && expectedRevision !== state.revision) {
        throw conflict(twinId, expectedRevision, state.revision);
      }
      const ctx = await this.context(command, state, meta.sites);
      const decided = decideTwin(command, state, ctx);
      const stamp = (id: string, events: typeof decided) =>
        stampEvents(id, events, {
          commandId: `${commandId}/${id}`,
          correlationId: meta.correlationId ?? commandId,
          causationId: meta.causationId ?? null,
          producer: `twin-state${meta.actor ? `/${meta.actor}` : ''}`,
          now: ctx.now,
        });
      const events: NewEvent[] = stamp(twinId, decided);
      if (events.length === 0) return { twinId, revision: state.revision, events: [] };
      this.stillOwner(twinId);
      const { appended } = await this.ownership.append(twinId, events, {
        expectedRevision: { twinId, revision: state.revision },
      });
      if (command.type === 'RegisterTwin' && command.parentId !== undefined) {
        const parentId = command.parentId;
        await this.attachToParent(
          parentId,
          twinId,
          command.twinType,
          events[0]!.occurredAt,
          stamp,
        ).catch((error: unknown) => {
          throw notAttached(twinId, parentId, error);
        });
      }
      // Revisions are log positions (offset + 1): the last appended event's is the twin's now.
      const last = appended[appended.length - 1];
      return {
        twinId,
        revision: last ? last.position.offset + 1 : state.revision,
        events: events.map((e) => ({ id: e.id, type: e.type })),
      };
    });
  }

  /** What a command with this id recorded on the twin, if it was applied before. */
  private async earlierResult(
    twinId: string,
    commandId: string,
  ): Promise<CommandResult | undefined> {
    const own = `${commandId}/${twinId}/`;
    const events = (await this.log.readStream(twinId, { streams: ['twin-events'] })).filter((e) =>
      e.id.startsWith(own),
    );
    const last = events[events.length - 1];
    if (!last) return undefined;
    return {
      twinId,
      revision: last.revision,
      events: events.map((e) => ({ id: e.id, type: e.type })),
      replayed: true,
    };
  }

  /** A twin's decision state: its twin-events folded (telemetry does not affect decisions). */
  async load(twinId: string): Promise<TwinState> {
    const events = await this.log.readStream(twinId, { streams: ['twin-events'] });
    return foldTwin(events, initialTwinState(twinId));
  }

  /** Appended as the owner of the child's partition (the parent's may be another replica's). */
  private async attachToParent(
    parentId: string,
    childId: string,
    childType: string,
    attachedAt: string,
    stamp: (id: string, events: ReturnType<typeof decideTwin>) => NewEvent[],
  ): Promise<void> {
    // The caller holds the parent's queue.
    const parent = await this.load(parentId);
    // In plant time the child joined its parent when it was commissioned, not when registered.
    const command: TwinCommand = { type: 'AttachChild', childId, childType, attachedAt };
    const events = stamp(
      parentId,
      decideTwin(command, parent, await this.context(command, parent, undefined)),
    );
    if (events.length > 0) {
      await this.ownership.append(childId, events, {
        expectedRevision: { twinId: parentId, revision: parent.revision },
      });
    }
  }

  private async context(
    command: TwinCommand,
    state: TwinState,
    sites: CommandMetaInput['sites'],
  ): Promise<DecideContext> {
    const ctx: DecideContext = {
      catalog: this.catalog,
      now: new Date().toISOString(),
      maxFutureSkewMs: this.config.maxFutureSkewMs,
    };
    if (command.type === 'RegisterTwin' && command.parentId !== undefined) {
      const parent = await this.load(command.parentId);
      // A parent of a site the caller cannot see is, to the caller, no parent at all.
      ctx.parent = !sites || sites(parent.site) ? parent : initialTwinState(command.parentId);
      ctx.parentAncestors = await this.ancestors(ctx.parent);
      ctx.parentChildren = await this.childrenOf(ctx.parent);
    }
    // The hierarchy rules look at the children's status (docs/services/twin-state.md).
    if (['RetireTwin', 'ChangeModelVersion', 'AttachChild'].includes(command.type)) {
      ctx.children = await this.childrenOf(state);
    }
    return ctx;
  }

  private childrenOf(state: TwinState): Promise<TwinState[]> {
    return Promise.all(state.children.map((c) => this.load(c.twinId)));
  }

  private async ancestors(state: TwinState): Promise<string[]> {
    const found: string[] = [];
    let parentId = state.parentId;
    while (parentId && !found.includes(parentId) && found.length < 64) {
      found.push(parentId);
      parentId = (await this.load(parentId)).parentId;
    }
    return found;
  }
}

/** A command id from the caller's key: the same caller, twin and key give the same id. */
function idempotentCommandId(actor: string | undefined, twinId: string, key: string): string {
  const digest = createHash('sha256')
    .update(`${actor ?? ''}\n${twinId}\n${key}`)
    .digest('base64url')
    .slice(0, 32);
  return `key-${digest}`;
}

function conflict(twinId: string, expected: number, current: number): TwinlogError {
  return new TwinlogError(
    'REVISION_CONFLICT',
    `Twin ${bounded(twinId)} is at revision ${current}, not ${expected}: reload it and decide again`,
    { twinId: bounded(twinId), expected, current },
  );
}

/**
 * The child's registration is recorded, its parent's attachment is not: said as such, not as
 * the attachment's own refusal (a PARTITION_MOVING would read as "nothing was applied").
 */
function notAttached(twinId: string, parentId: string, error: unknown): TwinlogError {
  const cause = error instanceof TwinlogError ? error.code : 'LOG_UNAVAILABLE';
  return new TwinlogError(
    'PARENT_NOT_ATTACHED',
    `Twin ${bounded(twinId)} is registered, but its attachment to parent ${bounded(parentId)} was not recorded (${cause}: ${(error as Error)?.message ?? String(error)}): the twin stands without a parent`,
    { twinId: bounded(twinId), parentId: bounded(parentId), cause },
  );
}
