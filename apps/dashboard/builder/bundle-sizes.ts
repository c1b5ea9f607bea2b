import type { Metafile } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { WORKSPACE_ROOT } from './build-inputs';

export interface ChunkSize {
  /** Relative to the out dir: `assets/main-XXXX.js`. */
  file: string;
  bytes: number;
  gzipBytes: number;
  /** The source module a chunk was split at (a page's dynamic import), if any. */
  entryPoint?: string;
}

/** Every built file of the out dir with its size and gzipped size (level 9, as served compressed). */
export function chunkSizes(outDir: string, metafile: Metafile): ChunkSize[] {
  const sizes = Object.entries(metafile.outputs)
    .filter(([path]) => !path.endsWith('.map'))
    .map(([path, output]) => {
      const file = relative(outDir, join(WORKSPACE_ROOT, path)).replaceAll('\\', '/');
      return sizeOf(outDir, file, output.entryPoint);
    });
  return [sizeOf(outDir, 'index.html'), ...sizes].sort((a, b) => a.file.localeCompare(b.file));
}

function sizeOf(outDir: string, file: string, entryPoint?: string): ChunkSize {
  const bytes = readFileSync(join(outDir, file));
  return {
    file,
    bytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
    ...(entryPoint ? { entryPoint } : {}),
  };
}

/**
 * The files a browser loads to show a page: index.html, the entry's JS and CSS and their static
 * imports, and the page's own chunk (a dynamic import of `pageModule`) with its static imports.
 */
export function pageFiles(outDir: string, metafile: Metafile, pageModule?: string): string[] {
  const outputs = metafile.outputs;
  const byEntry = (module: string) =>
    Object.keys(outputs).find((path) => outputs[path]!.entryPoint === module);
  const files = new Set<string>();
  const visit = (path: string) => {
    if (files.has(path)) return;
    files.add(path);
    const output = outputs[path]!;
    if (output.cssBundle) files.add(output.cssBundle);
    for (const imported of output.imports)
      if (imported.kind === 'import-statement' && outputs[imported.path]) visit(imported.path);
  };
  const entry = byEntry('apps/dashboard/src/main.tsx');
  if (!entry) throw new Error('no output for apps/dashboard/src/main.tsx');
  visit(entry);
  if (pageModule) {
    const page = byEntry(pageModule);
    if (!page)
      throw new Error(`no chunk of its own for ${pageModule} (is it imported dynamically?)`);
    visit(page);
  }
  const relativeToOut = [...files].map((p) =>
    relative(outDir, join(WORKSPACE_ROOT, p)).replaceAll('\\', '/'),
  );
  return ['index.html', ...relativeToOut.sort()];
}

export function kB(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}
