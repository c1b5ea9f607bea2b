import {
  contractLine,
  latencyTable,
  memoryTable,
  peerCountLine,
  priceOfGuarantees,
  rateTable,
  stageTable,
} from './summary';

describe('the pipeline summary', () => {
  it('gives each system its rate and its ratio to the raw pipe', () => {
    const text = rateTable(
      [
        { system: 'twinlog', readings: 300_000, seconds: 10, what: 'end to end' },
        { system: 'raw kafkajs', readings: 300_000, seconds: 5, what: 'produce to consume' },
      ],
      'raw kafkajs',
    );
    const [header, twinlog, raw] = text.split('\n');
    expect(header).toMatch(
      /^system\s+readings\s+seconds\s+readings\/s\s+vs raw kafkajs\s+measured$/,
    );
    expect(twinlog).toMatch(/^twinlog\s+300,000\s+10\.0\s+30,000\s+0\.50\s+end to end$/);
    expect(raw).toMatch(/\s60,000\s+1\.00\s+produce to consume$/);
  });

  it('marks each stage ok or by how much it differs from its source', () => {
    const text = stageTable(1000, { stage: 'telemetry topic', readings: 1000 }, [
      { stage: 'twin state', readings: 1000 },
      { stage: 'InfluxDB', readings: 997 },
      { stage: 'anomaly', readings: NaN },
    ]);
    expect(text.split('\n').map((l) => l.trimEnd().split(/\s{2,}/))).toEqual([
      ['stage', 'readings', 'difference'],
      ['acknowledged to senders', '1,000'],
      ['telemetry topic', '1,000', 'ok'],
      ['twin state', '1,000', 'ok'],
      ['InfluxDB', '997', '-3'],
      ['anomaly', '?', 'not counted'],
    ]);
  });

  it('lists peak and end-of-load memory per process, and its CPU time where measured', () => {
    const lines = memoryTable([
      { process: 'ingestion', peakMb: 180.4, steadyMb: 150.6, cpuSeconds: 41.26 },
      { process: 'all-in-one', peakMb: 300, steadyMb: 290 },
    ]).split('\n');
    expect(lines[1]).toMatch(/^ingestion\s+180\s+151\s+41\.3$/);
    expect(lines[2]).toMatch(/^all-in-one\s+300\s+290\s+-$/);
  });

  it('gives latency percentiles over the probes seen, and counts those never seen', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100 ms
    const [, row, empty] = latencyTable([
      { what: 'state visible', samples, unseen: 0 },
      { what: 'InfluxDB', samples: [], unseen: 3 },
    ]).split('\n');
    expect(row!.split(/\s{2,}/)).toEqual(['state visible', '100', '51', '96', '100', '100', '0']);
    expect(empty!.split(/\s{2,}/)).toEqual(['InfluxDB', '0', '-', '-', '-', '-', '3']);
  });

  it('ends with the line other tools read: an integer rate and the readings lost', () => {
    expect(contractLine(123_456.78, 0)).toBe('pipeline: 123456 readings/s, lost 0');
    expect(contractLine(99.5, 12)).toBe('pipeline: 99 readings/s, lost 12');
  });

  it("states the price of the guarantees as Twinlog's rate over the peer's", () => {
    const twinlog = { system: 'twinlog pipeline', readings: 240_000, seconds: 10, what: '' };
    const peer = { system: 'TIG peer', readings: 300_000, seconds: 5, what: '' };
    expect(priceOfGuarantees(twinlog, peer)).toMatch(
      /twinlog pipeline 24,000 readings\/s \/ TIG peer 60,000 readings\/s = 0\.40 /,
    );
    expect(priceOfGuarantees(twinlog, { ...peer, readings: 0 })).toMatch(/ = - /);
  });

  it("counts the peer's points against what the broker acknowledged", () => {
    expect(peerCountLine(1_000, 1_000)).toMatch(
      /1,000 points queryable in InfluxDB: nothing lost$/,
    );
    expect(peerCountLine(1_000, 997)).toMatch(/: 3 MISSING$/);
    expect(peerCountLine(1_000, 1_002)).toMatch(/: 2 more than published$/);
  });
});
