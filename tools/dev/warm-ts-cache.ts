// Compiles every TypeScript file a Twinlog process may load into tools/dev/register.cjs's cache,
// without running any: the image does it once when it is built, so no container loads swc.
//   node -r ./tools/dev/register.cjs tools/dev/warm-ts-cache.ts
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const { warm } = require('./register.cjs') as { warm: (files: string[]) => void };
const root = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
    return entry.name.endsWith('.ts') &&
      !entry.name.endsWith('.spec.ts') &&
      !entry.name.endsWith('.d.ts')
      ? [path]
      : [];
  });
}

const started = Date.now();
// The dashboard's browser code is bundled by esbuild, never loaded by node.
const files = ['apps', 'libs', 'tools']
  .flatMap((top) => sources(join(root, top)))
  .filter((file) => !file.startsWith(join(root, 'apps', 'dashboard', 'src')));
warm(files);
console.log(`compiled TypeScript cache: ${files.length} files in ${Date.now() - started} ms`);
