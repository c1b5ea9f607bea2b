import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heapLines, summariseHeap } from './heap-summary';

describe('summariseHeap', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'heap-summary-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the class that holds the strings and the array of a real snapshot', () => {
    const file = join(dir, 'held.heapsnapshot');
    // A bare node process: one object holding 100,000 distinct strings in an array.
    execFileSync(process.execPath, [
      '-e',
      `class ReadingHolder { constructor() { this.ids = Array.from({ length: 100000 }, (_, i) => 'reading-' + i); } }
       globalThis.held = new ReadingHolder();
       require('v8').writeHeapSnapshot(${JSON.stringify(file)});`,
    ]);
    const summary = summariseHeap(file);
    const held = summary.holders.find((h) => h.holder === 'ReadingHolder');
    // 100,000 strings of at least 20 bytes each, and the elements array of 800 KB.
    expect(held?.bytes).toBeGreaterThan(100_000 * 20 + 800_000);
    expect(held?.count).toBeGreaterThan(100_000);
    expect(summary.holders[0]?.holder).toBe('ReadingHolder');
    expect(summary.totalBytes).toBeGreaterThan(held!.bytes);
    const lines = heapLines(summary, 3);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/MB .*% {2}ReadingHolder \(\d{3},\d{3} nodes\)$/);
  });
});
