/**
 * Which member of a scaled-out service owns which partitions (ADR 0023): partition p of every
 * twin-keyed stream goes to one member, so a twin's events of all streams have one owner.
 */

/** A member as the group knows it: its id in the group and the URL its HTTP API answers on. */
export interface OwnerMember {
  memberId: string;
  url: string;
}

export interface PartitionOwner extends OwnerMember {
  /** Ascending. */
  partitions: number[];
}

/** The whole map, the same on every member for one generation of the group. */
export interface OwnershipMap {
  /** How many partitions each twin-keyed stream has. */
  partitions: number;
  owners: PartitionOwner[];
  /** This member's id: `owners` holds its entry. */
  self: string;
}

/**
 * Contiguous ranges, in member order (by URL, then id, so that a restarted member with the same
 * URL takes its old place back): members 0..r-1 get one partition more than the others. A
 * member beyond the partition count gets none (the count is the ceiling on useful replicas).
 */
export function assignPartitions(members: OwnerMember[], partitions: number): PartitionOwner[] {
  const sorted = inMemberOrder(members);
  const base = Math.floor(partitions / Math.max(1, sorted.length));
  const extra = partitions - base * sorted.length;
  let next = 0;
  return sorted.map((member, i) => {
    const count = base + (i < extra ? 1 : 0);
    const owned = Array.from({ length: count }, (_, k) => next + k);
    next += count;
    return { ...member, partitions: owned };
  });
}

/** The owner of a partition, or undefined when the map leaves it unowned (it never should). */
export function ownerOf(map: OwnershipMap, partition: number): PartitionOwner | undefined {
  return map.owners.find((o) => o.partitions.includes(partition));
}

/** This member's partitions in the map. */
export function ownedBySelf(map: OwnershipMap): number[] {
  return map.owners.find((o) => o.memberId === map.self)?.partitions ?? [];
}

/**
 * Whether a map read from the group is whole: every partition owned exactly once, by a member
 * with a URL. A map read mid-rebalance may not be, and is not used.
 */
export function isWholeMap(map: OwnershipMap): boolean {
  const seen = new Set<number>();
  for (const owner of map.owners) {
    if (!owner.url) return false;
    for (const p of owner.partitions) {
      if (seen.has(p) || p < 0 || p >= map.partitions) return false;
      seen.add(p);
    }
  }
  return seen.size === map.partitions && map.owners.some((o) => o.memberId === map.self);
}

/** Members by URL, then id: the order ranges are given in, and maps are listed in. */
export function inMemberOrder<M extends OwnerMember>(members: M[]): M[] {
  return [...members].sort((a, b) => compare(a.url, b.url) || compare(a.memberId, b.memberId));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
