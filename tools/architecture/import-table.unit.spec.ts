import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importTable, projects, withTable } from './import-table';

const ROOT = join(__dirname, '..', '..');

describe('the import table in docs/architecture.md', () => {
  it('is the one the lint rules and the projects’ tags give (else: npm run docs:architecture)', () => {
    const page = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
    expect(page).toBe(withTable(page, importTable(projects(ROOT))));
  });

  it('follows the rules: the domain imports nothing, apps never the test tooling outside tests', () => {
    const table = importTable(projects(ROOT));
    const row = (layer: string) =>
      table
        .split('\n')
        .find((r) => r.startsWith(`| ${layer} `))!
        .split(' | ');
    expect(row('domain').slice(1, 4)).toEqual(['`libs/domain`', 'nothing', '`libs/testing`']);
    const [, apps, mayImport, inTests] = row('app');
    expect(apps).toContain('`apps/ingestion`');
    expect(mayImport).toContain('`libs/event-log`');
    expect(mayImport).not.toContain('libs/testing');
    expect(inTests).toBe('`libs/testing`');
  });
});
