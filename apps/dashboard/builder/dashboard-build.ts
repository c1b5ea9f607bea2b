import { build, type Metafile } from 'esbuild';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { DEFAULT_OUT_DIR, hashInputs, WORKSPACE_ROOT } from './build-inputs';
import { staleness, type BuildStamp } from './staleness';

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
 * with its index.html and build-stamp.json. Built beside the old output and swapped in, so a
 * running gateway never serves half a build.
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
      logLevel: 'silent',
    });
    const metafile = result.metafile;
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
    const stamp: BuildStamp = { inputs, builtAt: new Date().toISOString(), files: firstPage };
    writeFileSync(join(staging, 'build-stamp.json'), `${JSON.stringify(stamp, null, 2)}\n`);
    mkdirSync(dirname(outDir), { recursive: true });
    swapIn(staging, outDir, inputs);
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
 * Replaces outDir with the new build. Two processes building at once (two test runs, a start
 * and a build by hand) race here: the loser's rename finds the winner's directory, which holds
 * the same inputs' build, and is fine with it.
 */
function swapIn(staging: string, outDir: string, inputs: string): void {
  rmSync(outDir, { recursive: true, force: true });
  try {
    renameSync(staging, outDir);
  } catch (error) {
    const stamp = join(outDir, 'build-stamp.json');
    if (
      existsSync(stamp) &&
      staleness(readFileSync(stamp, 'utf8'), inputs, (f) => existsSync(join(outDir, f))).stale ===
        false
    )
      return;
    throw error;
  }
}

function entryOutput(metafile: Metafile, entryPoint: string) {
  const found = Object.entries(metafile.outputs).find(([, o]) => o.entryPoint === entryPoint);
  if (!found) throw new Error(`esbuild wrote no output for ${entryPoint}`);
  return { path: found[0], cssBundle: found[1].cssBundle };
}
