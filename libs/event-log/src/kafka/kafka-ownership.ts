import {
  AssignerProtocol,
  type Admin,
  type Consumer,
  type Kafka,
  type PartitionAssigner,
} from 'kafkajs';
import type { NewEvent } from '@twinlog/domain';
import type { AppendOptions, AppendResult, Ownership, OwnershipOptions } from '../event-log.port';
import {
  ownedBySelf,
  assignPartitions,
  inMemberOrder,
  isWholeMap,
  type OwnershipMap,
  type PartitionOwner,
} from '../ownership/partition-owners';
import type { KafkaLogConfig } from './kafka-log.config';
import { partitionMoving, type ConfirmOwnership, type PartitionFences } from './partition-fences';
import type { TopicNames } from './kafka-topics';

const ASSIGNER = 'TwinlogOwnership';
/** Reads of a settled group's description before a warning that its map is not whole yet. */
const MAP_READ_TRIES = 10;
const MAP_READ_PAUSE_MS = 200;
const MAP_READ_MAX_PAUSE_MS = 2_000;
/** How long a transaction coordinator may stay unfound before the claim is taken as refused (an ACL). */
const CLAIM_REFUSED_AFTER_MS = 20_000;

/**
 * The replicas of a scaled-out service as one consumer group on twin-events (ADR 0023). The
 * group only decides ownership: its member reads nothing (the topic is paused), and the state
 * is fed by the service's own broadcast subscription. The assigner, run by the group's leader,
 * gives contiguous partition ranges by the members' URLs (carried in their protocol metadata).
 * kafkajs hands a member only its own partitions, so every member reads the whole map from the
 * group's description once it has joined.
 */
export class KafkaOwnership implements Ownership {
  private map: OwnershipMap | undefined;
  private generation = 0;
  private left = false;
  /** Set once a first map was told: from then on, a claim that fails is tried again for good. */
  private started = false;

  private constructor(
    private readonly consumer: Consumer,
    private readonly partitioner: (twinId: string) => number,
    private readonly fences: PartitionFences,
  ) {}

  static async join(
    kafka: Kafka,
    admin: Admin,
    names: TopicNames,
    partitions: number,
    settings: Pick<KafkaLogConfig, 'sessionTimeoutMs' | 'rebalanceTimeoutMs' | 'warn'>,
    partitioner: (twinId: string) => number,
    fences: PartitionFences,
    options: OwnershipOptions,
  ): Promise<KafkaOwnership> {
    const topic = names.stream['twin-events'];
    const groupId = `${names.prefix}${options.group}`;
    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: settings.sessionTimeoutMs,
      rebalanceTimeout: settings.rebalanceTimeoutMs,
      heartbeatInterval: Math.max(100, Math.floor(settings.sessionTimeoutMs / 10)),
      partitionAssigners: [ownershipAssigner(topic, partitions, options.url)],
    });
    const ownership = new KafkaOwnership(consumer, partitioner, fences);
    const change = (map: OwnershipMap | undefined) => {
      ownership.map = map;
      options.onChange(map);
    };
    consumer.on(consumer.events.REBALANCING, () => {
      ownership.generation += 1;
      change(undefined);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      ownership.generation += 1;
      change(undefined);
      if (!payload.restart && !ownership.left) options.onFailure(payload.error);
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      // The member reads nothing of the topic: its partitions only mark what it owns.
      consumer.pause([{ topic }]);
      const generation = (ownership.generation += 1);
      const wanted = () => !ownership.left && generation === ownership.generation;
      const slow = () =>
        settings.warn(
          `${options.group}: the group settled but its map cannot be read whole yet (a member without a URL, or a partition unowned); reading it again`,
        );
      void readMap(admin, groupId, topic, partitions, payload.memberId, wanted, slow)
        .then(async (map) => {
          if (!map || !wanted()) return;
          // Fence the partitions' old owners before anyone is told this replica owns them.
          const confirm = (partition: number) =>
            assignedNow(admin, groupId, topic, map.self, partition);
          await claimWhileWanted(
            fences,
            ownedBySelf(map),
            confirm,
            { wanted, starting: !ownership.started },
            (error) => settings.warn(`${options.group}: ${error.message}; trying again`),
          );
          if (!wanted()) return;
          ownership.started = true;
          change(map);
        })
        .catch((error: Error & { retriable?: boolean }) => {
          settings.warn(`${options.group}: ${error.message}`);
          // Not allowed to describe the group or to write as the partitions' owner (ACLs):
          // nothing will ever change that.
          if (error.retriable === false && !ownership.left) options.onFailure(error);
        });
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
    return ownership;
  }

  current(): OwnershipMap | undefined {
    return this.map;
  }

  partitionOf(twinId: string): number {
    return this.partitioner(twinId);
  }

  append(fencedBy: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    const partition = this.partitioner(fencedBy);
    const map = this.map;
    if (!map || !ownedBySelf(map).includes(partition))
      return Promise.reject(partitionMoving(partition));
    return this.fences.append(partition, events, options);
  }

  async leave(): Promise<void> {
    this.left = true;
    this.map = undefined;
    // The appends under way end before the group gives the partitions to others, whose claims
    // would otherwise abort them.
    await this.fences.releaseAll();
    await this.consumer.disconnect();
  }
}

/**
 * Claims the partitions for writing, again and again while the map still holds (the broker's
 * transaction coordinator may be starting or moving). kafkajs cannot tell a refused
 * transactional id (no ACL) from a coordinator not found: at start, one that cannot be found for
 * CLAIM_REFUSED_AFTER_MS while the group itself works is taken as refused for good (the replica
 * does not start, and says what its user needs); once started, it is tried again.
 */
async function claimWhileWanted(
  fences: PartitionFences,
  owned: number[],
  confirm: ConfirmOwnership,
  { wanted, starting }: { wanted: () => boolean; starting: boolean },
  warn: (error: Error) => void,
): Promise<void> {
  const started = Date.now();
  for (let attempt = 0; wanted(); attempt += 1) {
    try {
      await fences.hold(owned, confirm);
      return;
    } catch (error) {
      const refused = error as Error & { type?: string; name?: string };
      const denied =
        starting &&
        (refused.type?.endsWith('AUTHORIZATION_FAILED') ||
          (refused.name === 'KafkaJSGroupCoordinatorNotFound' &&
            Date.now() - started > CLAIM_REFUSED_AFTER_MS));
      const explained = Object.assign(
        new Error(
          `this replica cannot write as its partitions' owner: ${refused.message} (with Kafka ACLs, its user needs Write and Describe on the transactional ids <prefix>twin-state.partition-*: k8s/kafka/users.yaml)`,
        ),
        { retriable: !denied },
      );
      if (denied) throw explained;
      warn(explained);
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 200 * 2 ** attempt)));
    }
  }
}

function ownershipAssigner(topic: string, partitions: number, url: string): PartitionAssigner {
  return () => ({
    name: ASSIGNER,
    version: 1,
    protocol: ({ topics }) => ({
      name: ASSIGNER,
      metadata: AssignerProtocol.MemberMetadata.encode({
        version: 1,
        topics,
        userData: Buffer.from(JSON.stringify({ url })),
      }),
    }),
    assign: async ({ members }) =>
      assignPartitions(
        members.map((m) => ({ memberId: m.memberId, url: urlOf(m.memberMetadata) })),
        partitions,
      ).map((owner) => ({
        memberId: owner.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: { [topic]: owner.partitions },
          userData: Buffer.alloc(0),
        }),
      })),
  });
}

function urlOf(metadata: Buffer): string {
  try {
    const decoded = AssignerProtocol.MemberMetadata.decode(metadata);
    const parsed: unknown = JSON.parse(decoded?.userData.toString() || '{}');
    const url = (parsed as { url?: unknown }).url;
    return typeof url === 'string' ? url : '';
  } catch {
    return '';
  }
}

/**
 * The whole map from the group's description, once it is stable and whole: read again, less
 * and less often, for as long as this generation lasts (a member that gave up would hold no
 * partitions until some other member came or went). Undefined once it no longer matters.
 */
async function readMap(
  admin: Admin,
  groupId: string,
  topic: string,
  partitions: number,
  self: string,
  wanted: () => boolean,
  slow: () => void,
): Promise<OwnershipMap | undefined> {
  for (let attempt = 0; wanted(); attempt += 1) {
    // A broker that does not answer for a moment is asked again; a refusal (no ACL) is final.
    const group = await admin.describeGroups([groupId]).then(
      ({ groups }) => groups[0],
      (error: Error & { retriable?: boolean }) => {
        if (error.retriable === false) throw error;
        return undefined;
      },
    );
    if (group?.state === 'Stable') {
      const owners: PartitionOwner[] = group.members.map((m) => ({
        memberId: m.memberId,
        url: urlOf(m.memberMetadata),
        partitions: [...assignedTo(m, topic)].sort((a, b) => a - b),
      }));
      const map = { partitions, owners: inMemberOrder(owners), self };
      if (isWholeMap(map)) return map;
    }
    if (attempt === MAP_READ_TRIES) slow();
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(MAP_READ_MAX_PAUSE_MS, MAP_READ_PAUSE_MS * 2 ** attempt)),
    );
  }
  return undefined;
}

/** Whether the group, described now, is settled and gives the partition to this member. */
async function assignedNow(
  admin: Admin,
  groupId: string,
  topic: string,
  self: string,
  partition: number,
): Promise<boolean> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  if (group?.state !== 'Stable') return false;
  const member = group.members.find((m) => m.memberId === self);
  return member ? assignedTo(member, topic).includes(partition) : false;
}

/** A member's partitions of the topic, from its assignment in the group's description. */
function assignedTo(member: { memberAssignment: Buffer }, topic: string): number[] {
  return AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment[topic] ?? [];
}
