'use strict';
// How every Twinlog process runs its TypeScript: `node -r ./tools/dev/register.cjs main.ts`.
// Each .ts file is compiled by swc exactly as @swc-node/register compiles it (the same
// tsconfig-derived options, the same code), but the output is kept on disk, keyed by the file's
// path and text and the compiler's versions and settings. A process whose files are all in the
// cache never loads the compiler: @swc-node/register loads the TypeScript compiler and swc's
// native binding into every process, about 80 MB of each service's memory (docs/running.md).
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const CACHE_DIR =
  process.env.TWINLOG_TS_CACHE_DIR || path.join(ROOT, 'node_modules', '.cache', 'twinlog-ts');

const sha = (text) => crypto.createHash('sha256').update(text).digest('hex');
const readOr = (file, fallback) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
};

let salt;
/** What, besides a file's own text, decides its output: the compilers and the tsconfig chain. */
function saltOf() {
  if (salt === undefined) {
    const version = (name) =>
      JSON.parse(readOr(path.join(ROOT, 'node_modules', name, 'package.json'), '{}')).version;
    salt = sha(
      [
        'twinlog-register/1',
        version('@swc-node/register'),
        version('@swc-node/core'),
        version('@swc/core'),
        readOr(path.join(ROOT, 'tsconfig.json'), ''),
        readOr(path.join(ROOT, 'tsconfig.base.json'), ''),
      ].join('\0'),
    );
  }
  return salt;
}

let compile;
/** swc, loaded only when a file is not in the cache, with @swc-node/register's own options. */
function compilerOf() {
  if (!compile) {
    const {
      readDefaultTsConfig,
      tsCompilerOptionsToSwcConfig,
    } = require('@swc-node/register/read-default-tsconfig');
    const { transformSync } = require('@swc-node/core');
    const options = readDefaultTsConfig(path.join(ROOT, 'tsconfig.json'));
    options.module = 1; // ts.ModuleKind.CommonJS, as @swc-node/register sets it
    compile = (source, filename) => {
      const { code, map } = transformSync(
        source,
        filename,
        tsCompilerOptionsToSwcConfig(options, filename),
      );
      if (!map) return code;
      const inline = Buffer.from(map, 'utf8').toString('base64');
      return `${code}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${inline}`;
    };
  }
  return compile;
}

function cached(filename, source) {
  const key = sha(`${saltOf()}\0${filename}\0${source}`);
  const file = path.join(CACHE_DIR, key.slice(0, 2), `${key}.js`);
  const hit = readOr(file, undefined);
  if (hit !== undefined) return hit;
  const code = compilerOf()(source, filename);
  try {
    // Written whole, then renamed: a process starting beside this one reads all of it or none.
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, file);
  } catch {
    // A read-only or full disk: compiled each time, as before.
  }
  return code;
}

/** Compiles files into the cache without running them (the image's build warms it). */
module.exports.warm = (filenames) => {
  for (const filename of filenames) cached(filename, fs.readFileSync(filename, 'utf8'));
};

Module._extensions['.ts'] = (module, filename) => {
  module._compile(cached(filename, fs.readFileSync(filename, 'utf8')), filename);
};
// Stack traces name the TypeScript lines (the inline maps above).
process.setSourceMapsEnabled(true);
