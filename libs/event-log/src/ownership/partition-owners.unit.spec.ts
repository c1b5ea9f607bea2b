import { assignPartitions, isWholeMap, ownedBySelf, ownerOf } from './partition-owners';

const member = (url: string, memberId = `id-${url}`) => ({ memberId, url });

describe('assignPartitions', () => {
  it('gives every partition to exactly one member, in contiguous ranges balanced to within one', () => {
    for (let members = 1; members <= 8; members += 1)
      for (const partitions of [1, 3, 6, 12, 13]) {
        const owners = assignPartitions(
          Array.from({ length: members }, (_, i) => member(`http://r${i}`)),
          partitions,
        );
        const all = owners.flatMap((o) => o.partitions).sort((a, b) => a - b);
        expect(all).toEqual(Array.from({ length: partitions }, (_, i) => i));
        const sizes = owners.map((o) => o.partitions.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
  });

  it('is the same whatever order the group lists its members in', () => {
    const members = [member('http://c'), member('http://a'), member('http://b')];
    const one = assignPartitions(members, 6);
    const other = assignPartitions([...members].reverse(), 6);
    expect(other).toEqual(one);
    expect(one.map((o) => [o.url, o.partitions])).toEqual([
      ['http://a', [0, 1]],
      ['http://b', [2, 3]],
      ['http://c', [4, 5]],
    ]);
  });

  it('leaves members beyond the partition count with nothing', () => {
    const owners = assignPartitions([member('http://a'), member('http://b')], 1);
    expect(owners.map((o) => o.partitions)).toEqual([[0], []]);
  });
});

describe('a map read from the group', () => {
  const owners = assignPartitions([member('http://a'), member('http://b')], 4);
  const map = { partitions: 4, owners, self: 'id-http://b' };

  it('answers who owns a partition and what this member owns', () => {
    expect(ownerOf(map, 0)?.url).toBe('http://a');
    expect(ownerOf(map, 3)?.url).toBe('http://b');
    expect(ownedBySelf(map)).toEqual([2, 3]);
    expect(isWholeMap(map)).toBe(true);
  });

  it('is not whole when a partition is missing, owned twice, a URL is empty or self is absent', () => {
    expect(isWholeMap({ ...map, partitions: 5 })).toBe(false);
    expect(
      isWholeMap({ ...map, owners: [owners[0]!, { ...owners[1]!, partitions: [1, 2, 3] }] }),
    ).toBe(false);
    expect(isWholeMap({ ...map, owners: [owners[0]!, { ...owners[1]!, url: '' }] })).toBe(false);
    expect(isWholeMap({ ...map, self: 'someone-else' })).toBe(false);
  });
});
