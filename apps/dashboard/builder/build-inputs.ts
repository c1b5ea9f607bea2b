import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** The workspace root (apps/dashboard/builder is three levels down). */
export const WORKSPACE_ROOT = resolve(__dirname, '..', '..', '..');

/** Where `npm start`, `npm run build:dashboard` and the gateway put and find the dashboard. */
export const DEFAULT_OUT_DIR = join(WORKSPACE_ROOT, 'dist', 'dashboard');

/** The dashboard's tsconfig: esbuild reads it and every file it `extends`. */
const TSCONFIG = 'apps/dashboard/tsconfig.json';

/**
 * What the built files depend on: the page's sources and template, the build script, the
 * domain code the page may import, the installed packages (package-lock.json), and the
 * tsconfig with the files it extends (tsconfig.base.json: paths, jsx, target). Test files are
 * left out: editing a test does not make the build stale.
 */
const INPUTS = [
  'apps/dashboard/src',
  'apps/dashboard/index.html',
  TSCONFIG,
  'apps/dashboard/build.ts',
  'apps/dashboard/builder',
  'libs/domain/src',
  'package-lock.json',
];

/** A hash of every input file's path and content (with the tsconfig's `extends` chain), in a fixed order. */
export function hashInputs(
  root: string = WORKSPACE_ROOT,
  inputs: readonly string[] = INPUTS,
): string {
  const hash = createHash('sha256');
  const files = new Set([
    ...inputs.flatMap((input) => filesOf(join(root, input))),
    ...extendsChain(root, TSCONFIG),
  ]);
  for (const file of [...files].sort()) {
    hash.update(relative(root, file).replaceAll('\\', '/'));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The files a tsconfig extends, nearest first (relative `extends` only; a cycle stops). */
function extendsChain(root: string, tsconfig: string): string[] {
  const chain: string[] = [];
  let file = join(root, tsconfig);
  for (;;) {
    const base = extendsOf(file);
    if (!base || !existsSync(base) || chain.includes(base)) return chain;
    chain.push(base);
    file = base;
  }
}

function extendsOf(file: string): string | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { extends?: unknown };
    const base = parsed.extends;
    return typeof base === 'string' && base.startsWith('.')
      ? resolve(dirname(file), base)
      : undefined;
  } catch {
    return undefined; // missing or not plain JSON: the file itself is still hashed when listed
  }
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
