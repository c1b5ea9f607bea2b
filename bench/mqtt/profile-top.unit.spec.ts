import { selfTimes, type CpuProfile } from './profile-top';

const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });

describe('selfTimes', () => {
  it('adds up each function and place by the time its samples took, largest first', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(garbage collector)', '') },
        { id: 2, callFrame: frame('send', 'file:///r/node_modules/kafkajs/src/producer/index.js') },
        { id: 3, callFrame: frame('accept', 'file:///r/apps/ingestion/src/intake/x.ts') },
        { id: 4, callFrame: frame('', 'node:internal/streams') },
      ],
      samples: [2, 3, 2, 1, 4],
      timeDeltas: [1000, 500, 2000, 1500, 1000],
      startTime: 0,
      endTime: 6000,
    };
    const { functions, places } = selfTimes(profile);
    expect(functions[0]).toEqual({ name: 'send index.js:10', ms: 3, share: 0.5 });
    expect(places.map((p) => [p.name, p.ms])).toEqual([
      ['kafkajs', 3],
      ['(garbage collector)', 1.5],
      ['node core', 1],
      ['apps/ingestion', 0.5],
    ]);
  });

  it('ignores a sample of a node the profile does not list', () => {
    const profile: CpuProfile = {
      nodes: [],
      samples: [7],
      timeDeltas: [100],
      startTime: 0,
      endTime: 100,
    };
    expect(selfTimes(profile)).toEqual({ functions: [], places: [] });
  });

  it('counts only the samples taken within the window, when one is given', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('a', '') },
        { id: 2, callFrame: frame('b', '') },
      ],
      samples: [1, 2, 2, 1],
      timeDeltas: [10, 10, 10, 10],
      startTime: 1000,
      endTime: 1040,
    };
    const { functions } = selfTimes(profile, { from: 1015, to: 1030 });
    expect(functions).toEqual([{ name: 'b', ms: 0.02, share: 1 }]);
  });
});
