import { PropertyVector } from './property-vector';

const reading = (property: string, value: number, at: number) => ({
  property,
  value,
  at,
  readingId: `${property}-${at}`,
});

describe('property vectors from per-property readings', () => {
  it('hands out one vector per instant once every property has had a value', () => {
    const vector = new PropertyVector(['a', 'b']);
    expect(vector.take([reading('a', 1, 0)])).toEqual([]);
    expect(vector.take([reading('b', 2, 0), reading('other', 9, 0)])).toEqual([
      { at: 0, readingId: 'b-0', values: [1, 2] },
    ]);
    // Two instants in one event, in any order: two vectors in time order, values held.
    expect(vector.take([reading('a', 5, 2000), reading('a', 3, 1000)])).toEqual([
      { at: 1000, readingId: 'a-1000', values: [3, 2] },
      { at: 2000, readingId: 'a-2000', values: [5, 2] },
    ]);
  });

  it('does not step twice for an instant reported in two events, nor go back for a late reading', () => {
    const vector = new PropertyVector(['a', 'b']);
    vector.take([reading('a', 1, 0), reading('b', 1, 0)]);
    expect(vector.take([reading('a', 2, 1000)])).toHaveLength(1);
    expect(vector.take([reading('b', 7, 1000)])).toEqual([]);
    expect(vector.take([reading('a', 0, 500)])).toEqual([]);
    expect(vector.take([reading('a', 3, 2000)])).toEqual([
      { at: 2000, readingId: 'a-2000', values: [3, 7] },
    ]);
  });

  it('continues from a snapshot', () => {
    const vector = new PropertyVector(['a', 'b']);
    vector.take([reading('a', 1, 0)]);
    const copy = PropertyVector.restore(['a', 'b'], JSON.parse(JSON.stringify(vector.snapshot())));
    expect(copy.take([reading('b', 2, 0)])).toEqual([{ at: 0, readingId: 'b-0', values: [1, 2] }]);
  });
});
