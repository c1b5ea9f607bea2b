import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashInputs } from './build-inputs';
import { staleness } from './staleness';

const stamp = (inputs: string, files = ['index.html', 'assets/main-A.js']) =>
  JSON.stringify({ inputs, builtAt: '2026-01-01T00:00:00Z', files });

describe('whether the dashboard must be built again', () => {
  const all = () => true;

  it('builds when there is no stamp, an unreadable one, or one of other inputs', () => {
    expect(staleness(undefined, 'h1', all)).toEqual({ stale: true, reason: 'not built' });
    expect(staleness('{not json', 'h1', all)).toEqual({ stale: true, reason: 'stamp unreadable' });
    expect(staleness('{"inputs":"h1","files":[]}', 'h1', all)).toEqual({
      stale: true,
      reason: 'stamp unreadable',
    });
    expect(staleness('null', 'h1', all)).toEqual({ stale: true, reason: 'stamp unreadable' });
    expect(staleness(stamp('h0'), 'h1', all)).toEqual({ stale: true, reason: 'sources changed' });
  });

  it('builds when a file the stamp names is gone, and not when all is there', () => {
    expect(staleness(stamp('h1'), 'h1', (f) => f !== 'assets/main-A.js')).toEqual({
      stale: true,
      reason: 'files missing',
    });
    expect(staleness(stamp('h1'), 'h1', all)).toEqual({ stale: false });
  });
});

describe('the hash of the inputs', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dashboard-inputs-'));
    mkdirSync(join(root, 'src', 'pages'), { recursive: true });
    writeFileSync(join(root, 'src', 'main.tsx'), 'main');
    writeFileSync(join(root, 'src', 'pages', 'a.tsx'), 'a');
    writeFileSync(join(root, 'lock.json'), '{}');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const inputs = ['src', 'lock.json', 'missing-file'];

  it('changes with a source, a new file, a renamed one or the lockfile; not with a test file', () => {
    const first = hashInputs(root, inputs);
    expect(hashInputs(root, inputs)).toBe(first);
    writeFileSync(join(root, 'src', 'pages', 'a.unit.spec.ts'), 'test');
    expect(hashInputs(root, inputs)).toBe(first);
    writeFileSync(join(root, 'src', 'pages', 'a.tsx'), 'a2');
    const second = hashInputs(root, inputs);
    expect(second).not.toBe(first);
    writeFileSync(join(root, 'src', 'pages', 'b.tsx'), '');
    const third = hashInputs(root, inputs);
    expect(third).not.toBe(second);
    writeFileSync(join(root, 'lock.json'), '{"v":2}');
    expect(hashInputs(root, inputs)).not.toBe(third);
  });

  it("changes with the file the dashboard's tsconfig extends (tsconfig.base.json)", () => {
    mkdirSync(join(root, 'apps', 'dashboard'), { recursive: true });
    writeFileSync(
      join(root, 'apps', 'dashboard', 'tsconfig.json'),
      '{"extends": "../../tsconfig.base.json"}',
    );
    writeFileSync(join(root, 'tsconfig.base.json'), '{"compilerOptions": {"target": "ES2022"}}');
    const first = hashInputs(root);
    expect(hashInputs(root)).toBe(first);
    writeFileSync(join(root, 'tsconfig.base.json'), '{"compilerOptions": {"target": "ES2020"}}');
    expect(hashInputs(root)).not.toBe(first);
  });
});
