import { readdirSync } from 'node:fs';
import { join, matchesGlob, relative } from 'node:path';

// `npm test` (and so .ci/run) runs every spec file of the repository: each kind of spec lands in
// exactly one jest project, and the browser specs in the one whose global setup provides chromium.
const root = join(__dirname, '..', '..');
const config = require(join(root, 'jest.config.cjs')) as {
  projects: Array<{ displayName: string; testMatch: string[]; globalSetup?: string }>;
};

function projectsOf(file: string): string[] {
  return config.projects
    .filter((p) => p.testMatch.some((glob) => matchesGlob(file, glob.replace('<rootDir>', root))))
    .map((p) => p.displayName);
}

function specFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (['node_modules', 'dist', 'tmp', '.nx', '.git'].includes(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return specFiles(path);
    return entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('jest projects', () => {
  it('a *.browser.spec.ts file runs in the browser project, which installs chromium first', () => {
    expect(projectsOf(join(root, 'apps', 'all-in-one', 'src', 'x.browser.spec.ts'))).toEqual([
      'browser',
    ]);
    expect(
      projectsOf(join(root, 'libs', 'testing', 'src', 'browser', 'y.browser.spec.ts')),
    ).toEqual(['browser']);
    const browser = config.projects.find((p) => p.displayName === 'browser')!;
    expect(browser.globalSetup).toMatch(/browser-global-setup\.ts$/);
  });

  it('every spec file in the repository runs in exactly one project', () => {
    const homeless = specFiles(root)
      .filter((file) => projectsOf(file).length !== 1)
      .map((file) => `${relative(root, file)}: ${projectsOf(file).join(', ') || 'no project'}`);
    expect(homeless).toEqual([]);
  });
});
