/**
 * Which installed packages the container image keeps. The services run from TypeScript source
 * through tools/dev/register.cjs, which compiles with @swc-node/register's options and swc (dev
 * dependencies) on a cache miss: the image keeps every production package plus that compiler's
 * closure, and drops the rest of the dev tooling (nx, jest, eslint, testcontainers).
 */

export interface LockPackage {
  dev?: boolean;
  optional?: boolean;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** package-lock.json v3: every installed package by its path (`node_modules/a/node_modules/b`). */
export interface Lockfile {
  packages: Record<string, LockPackage>;
}

/** The packages tools/dev/register.cjs compiles TypeScript with when its cache lacks a file. */
export const TYPESCRIPT_RUNNER = ['@swc-node/register'];

export interface RuntimePlan {
  keep: Set<string>;
  remove: string[];
}

/**
 * Keeps every non-dev package and the closure of `roots` (dependencies, installed optional
 * dependencies such as the platform's native binary, peers); removes the other dev packages.
 * `installed` says whether a lockfile path is on disk (optional packages of other platforms are not).
 */
export function planRuntimePackages(
  lock: Lockfile,
  roots: readonly string[],
  installed: (path: string) => boolean,
): RuntimePlan {
  const paths = Object.keys(lock.packages).filter((p) => p.startsWith('node_modules/'));
  const keep = new Set(paths.filter((p) => !lock.packages[p]!.dev));
  const seen = new Set<string>();
  const pending = roots.map((name) => required(lock, '', name, 'the image'));
  while (pending.length > 0) {
    const path = pending.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    keep.add(path);
    pending.push(...dependenciesOf(lock, path, installed));
  }
  const remove = paths.filter((p) => !keep.has(p));
  for (const kept of keep) {
    const inside = remove.find((r) => kept.startsWith(`${r}/`));
    if (inside) throw new Error(`${kept} is needed but lives inside ${inside}, which is not`);
  }
  return { keep, remove };
}

function dependenciesOf(
  lock: Lockfile,
  path: string,
  installed: (path: string) => boolean,
): string[] {
  const pkg = lock.packages[path]!;
  const found: string[] = [];
  for (const name of Object.keys(pkg.dependencies ?? {}))
    found.push(required(lock, path, name, path));
  for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
    const at = resolve(lock, path, name);
    if (at && installed(at)) found.push(at);
  }
  for (const name of Object.keys(pkg.peerDependencies ?? {})) {
    const at = resolve(lock, path, name);
    if (at) found.push(at);
    else if (!pkg.peerDependenciesMeta?.[name]?.optional)
      throw new Error(`${path} needs the peer ${name}, which is not installed`);
  }
  return found;
}

function required(lock: Lockfile, from: string, name: string, by: string): string {
  const at = resolve(lock, from, name);
  if (!at) throw new Error(`${by} needs ${name}, which package-lock.json does not install`);
  return at;
}

/** Node's lookup: `<from>/node_modules/<name>`, then each enclosing node_modules up to the root. */
export function resolve(lock: Lockfile, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!base) return undefined;
    const up = base.lastIndexOf('/node_modules/');
    base = up < 0 ? '' : base.slice(0, up);
  }
}

/** The package a loaded file belongs to, as a lockfile path; undefined outside node_modules. */
export function packagePathOf(relativeFile: string): string | undefined {
  const parts = relativeFile.split('/');
  const last = parts.lastIndexOf('node_modules');
  if (last < 0) return undefined;
  const width = parts[last + 1]?.startsWith('@') ? 2 : 1;
  return parts.slice(0, last + 1 + width).join('/');
}
