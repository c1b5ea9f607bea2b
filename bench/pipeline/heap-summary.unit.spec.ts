import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heapLines, summariseHeap, type HeapSummary } from './heap-summary';

/** A snapshot of a bare node process that ran `script` (its own snapshot, not jest's heap). */
function snapshotOf(dir: string, name: string, script: string): HeapSummary {
  const file = join(dir, `${name}.heapsnapshot`);
  execFileSync(process.execPath, [
    '-e',
    `${script}\nrequire('v8').writeHeapSnapshot(${JSON.stringify(file)});`,
  ]);
  return summariseHeap(file);
}

const bytesOf = (summary: HeapSummary, holder: string) =>
  summary.holders.find((h) => h.holder === holder)?.bytes ?? 0;

describe('summariseHeap', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'heap-summary-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts an array of strings under the class that holds it', () => {
    const summary = snapshotOf(
      dir,
      'class',
      `class ReadingHolder { constructor() { this.ids = Array.from({ length: 100000 }, (_, i) => 'reading-' + i); } }
       globalThis.held = new ReadingHolder();`,
    );
    // 100,000 strings of at least 20 bytes each, and the elements array of 800 KB.
    expect(bytesOf(summary, 'ReadingHolder')).toBeGreaterThan(100_000 * 20 + 800_000);
    expect(summary.holders[0]?.holder).toBe('ReadingHolder');
    const lines = heapLines(summary, 3);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/MB .*% {2}ReadingHolder \(\d{3},\d{3} nodes\)$/);
  });

  it('looks through Maps, plain objects and closure contexts to the named holder', () => {
    const summary = snapshotOf(
      dir,
      'nested',
      // A class holding a Map of plain objects holding strings (the Map's keys are interned:
      // the string table reaches them too); and a Map in a module's scope (CommonJS wraps a
      // module in a function) that only a named function's closure context holds.
      `class TwinStore { constructor() { this.byId = new Map(); for (let i = 0; i < 20000; i++) this.byId.set('twin-' + i, { name: 'machine-' + i, site: 'site-' + (i % 7) }); } }
       globalThis.store = new TwinStore();
       (function moduleScope() {
         const seen = new Map(); for (let i = 0; i < 20000; i++) seen.set('reading-' + i, 'value-' + i);
         globalThis.lookup = function lookupReading(id) { return seen.get(id); };
       })();`,
    );
    // Each twin: a Map entry, an object of at least 24 bytes, three strings of at least 20.
    expect(bytesOf(summary, 'TwinStore')).toBeGreaterThan(20_000 * (24 + 3 * 20));
    // Each of the closure's 20,000 entries: two strings of at least 20 bytes.
    expect(bytesOf(summary, 'lookupReading()')).toBeGreaterThan(20_000 * 2 * 20);
    expect(bytesOf(summary, 'system / Context')).toBeLessThan(20_000 * 2 * 20);
    expect(bytesOf(summary, 'Map')).toBeLessThan(20_000 * 24);
  });

  it('refuses a file too large to read as one string, and says what to use instead', () => {
    const file = join(dir, 'huge.heapsnapshot');
    execFileSync('truncate', ['-s', String(501 * 1024 * 1024), file]);
    expect(() => summariseHeap(file)).toThrow(/is 501 MB, more than .*Chrome DevTools/);
  });
});
