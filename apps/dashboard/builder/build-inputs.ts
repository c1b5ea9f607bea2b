import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** The workspace root (apps/dashboard/builder is three levels down). */
export const WORKSPACE_ROOT = resolve(__dirname, '..', '..', '..');

/** Where `npm start`, `npm run build:dashboard` and the gateway put and find the dashboard. */
export const DEFAULT_OUT_DIR = join(WORKSPACE_ROOT, 'dist', 'dashboard');

/**
 * What the built files depend on: the page's sources and template, the build script, the
 * domain code the page may import, and the installed packages (package-lock.json). Test files
 * are left out: editing a test does not make the build stale.
 */
const INPUTS = [
  'apps/dashboard/src',
  'apps/dashboard/index.html',
  'apps/dashboard/tsconfig.json',
  'apps/dashboard/build.ts',
  'apps/dashboard/builder',
  'libs/domain/src',
  'package-lock.json',
];

/** A hash of every input file's path and content, in a fixed order. */
export function hashInputs(
  root: string = WORKSPACE_ROOT,
  inputs: readonly string[] = INPUTS,
): string {
  const hash = createHash('sha256');
  for (const file of inputs.flatMap((input) => filesOf(join(root, input))).sort()) {
    hash.update(relative(root, file).replaceAll('\\', '/'));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function filesOf(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return isSpec(path) ? [] : [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) =>
    filesOf(join(path, entry.name)),
  );
}

function isSpec(path: string): boolean {
  return /\.spec\.tsx?$/.test(path);
}
