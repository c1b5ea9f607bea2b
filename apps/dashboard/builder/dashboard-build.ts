import { build, type Metafile, type Plugin } from 'esbuild';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DEFAULT_OUT_DIR, hashInputs, WORKSPACE_ROOT } from './build-inputs';
import type { BuildStamp } from './staleness';

const APP = join(WORKSPACE_ROOT, 'apps', 'dashboard');
const ENTRY = join(APP, 'src', 'main.tsx');
const MARKER = '<!--twinlog:assets-->';

export interface DashboardBuild {
  outDir: string;
  ms: number;
  /** Paths relative to outDir of index.html and the first page's own files. */
  firstPage: string[];
  metafile: Metafile;
}

/**
 * Bundles the dashboard (ESM, split per page, minified, content-hashed names) into `outDir`
 * with its index.html and build-stamp.json. Built beside the old output and moved in file by
 * file (swapIn), so a running gateway never serves half a build, nor none.
 */
export async function buildDashboard(outDir: string = DEFAULT_OUT_DIR): Promise<DashboardBuild> {
  const started = performance.now();
  const inputs = hashInputs();
  const staging = `${outDir}.building-${process.pid}-${randomUUID().slice(0, 8)}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const result = await build({
      absWorkingDir: WORKSPACE_ROOT,
      entryPoints: [ENTRY],
      outdir: join(staging, 'assets'),
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: ['es2022'],
      minify: true,
      metafile: true,
      entryNames: '[name]-[hash]',
      chunkNames: 'chunk-[hash]',
      assetNames: '[name]-[hash]',
      jsx: 'automatic',
      jsxImportSource: 'preact',
      tsconfig: join(APP, 'tsconfig.json'),
      legalComments: 'none',
      plugins: [domainWithoutSideEffects],
      // A libs/domain module the page does not use may import node:crypto: resolved, then dropped.
      external: ['node:*'],
      logLevel: 'silent',
    });
    const metafile = result.metafile;
    refuseNodeImports(metafile);
    const entry = entryOutput(metafile, relative(WORKSPACE_ROOT, ENTRY));
    const url = (path: string) =>
      `/${relative(staging, join(WORKSPACE_ROOT, path)).replaceAll('\\', '/')}`;
    const tags = [
      ...(entry.cssBundle ? [`<link rel="stylesheet" href="${url(entry.cssBundle)}">`] : []),
      `<script type="module" src="${url(entry.path)}"></script>`,
    ];
    const template = readFileSync(join(APP, 'index.html'), 'utf8');
    if (!template.includes(MARKER)) throw new Error(`apps/dashboard/index.html lacks ${MARKER}`);
    writeFileSync(join(staging, 'index.html'), template.replace(MARKER, tags.join('\n')));
    const firstPage = [
      'index.html',
      ...[entry.path, entry.cssBundle].flatMap((p) => (p ? [url(p).slice(1)] : [])),
    ];
    const assets = readdirSync(join(staging, 'assets')).sort();
    const stamp: BuildStamp = {
      inputs,
      builtAt: new Date().toISOString(),
      files: firstPage,
      assets,
    };
    writeFileSync(join(staging, 'build-stamp.json'), `${JSON.stringify(stamp, null, 2)}\n`);
    swapIn(staging, outDir);
    // The metafile names the staging directory: name the files where they are now.
    const [from, to] = [staging, outDir].map((dir) =>
      JSON.stringify(relative(WORKSPACE_ROOT, dir)).slice(1, -1),
    );
    const moved = JSON.parse(
      JSON.stringify(metafile).replaceAll(`${from!}/`, `${to!}/`),
    ) as Metafile;
    return { outDir, ms: performance.now() - started, firstPage, metafile: moved };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Moves the new build into outDir without a moment where it serves nothing: the out directory
 * stays, the new hashed assets are renamed in beside the old ones, then index.html and the
 * stamp are each replaced by one rename (atomic). The previous build's assets are kept, so a tab
 * still showing it can load its lazy page chunks; older ones are removed. Two builds at once (a
 * start and a build by hand) write the same names with the same contents when their inputs agree.
 */
function swapIn(staging: string, outDir: string): void {
  const assetsDir = join(outDir, 'assets');
  mkdirSync(assetsDir, { recursive: true });
  const before = readdirSync(assetsDir);
  const previous = previousAssets(outDir) ?? before;
  const built = readdirSync(join(staging, 'assets'));
  for (const name of built) renameSync(join(staging, 'assets', name), join(assetsDir, name));
  renameSync(join(staging, 'index.html'), join(outDir, 'index.html'));
  renameSync(join(staging, 'build-stamp.json'), join(outDir, 'build-stamp.json'));
  const keep = new Set([...built, ...previous]);
  for (const name of before)
    if (!keep.has(name)) rmSync(join(assetsDir, name), { recursive: true, force: true });
}

/** The assets the build being replaced wrote (undefined when its stamp does not list them). */
function previousAssets(outDir: string): string[] | undefined {
  try {
    const stamp = JSON.parse(readFileSync(join(outDir, 'build-stamp.json'), 'utf8')) as {
      assets?: unknown;
    } | null;
    const assets = stamp?.assets;
    return Array.isArray(assets) && assets.every((a) => typeof a === 'string')
      ? (assets as string[])
      : undefined;
  } catch {
    return undefined;
  }
}

const DOMAIN_SRC = join(WORKSPACE_ROOT, 'libs', 'domain', 'src');

/**
 * libs/domain is pure (no module does anything when loaded): marking its files free of side
 * effects lets esbuild bundle only the modules whose exports a page uses, so the dashboard may
 * import a small function (roleAtLeast) from '@twinlog/domain' without the rest (zod, schemas).
 */
const domainWithoutSideEffects: Plugin = {
  name: 'domain-without-side-effects',
  setup(plugin) {
    plugin.onResolve({ filter: /.*/ }, async (args) => {
      const fromDomain = args.importer.startsWith(DOMAIN_SRC) && args.path.startsWith('.');
      if (args.pluginData === 'resolving' || !(fromDomain || args.path === '@twinlog/domain'))
        return undefined;
      const resolved = await plugin.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'resolving',
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { ...resolved, sideEffects: !resolved.path.startsWith(DOMAIN_SRC) };
    });
  },
};

/** A Node built-in left in the output would fail in the browser: the build fails instead. */
function refuseNodeImports(metafile: Metafile): void {
  for (const [file, output] of Object.entries(metafile.outputs))
    for (const imported of output.imports)
      if (imported.external && imported.path.startsWith('node:'))
        throw new Error(`${file} imports ${imported.path}: the dashboard runs in a browser`);
}

function entryOutput(metafile: Metafile, entryPoint: string) {
  const found = Object.entries(metafile.outputs).find(([, o]) => o.entryPoint === entryPoint);
  if (!found) throw new Error(`esbuild wrote no output for ${entryPoint}`);
  return { path: found[0], cssBundle: found[1].cssBundle };
}
