// `npm run build:dashboard`: bundles apps/dashboard into dist/dashboard (or the directory
// given) and prints each file's size. `npm start` does the same by itself when the build is stale.
import { chunkSizes, kB, pageFiles } from './builder/bundle-sizes';
import { buildDashboard } from './builder/dashboard-build';
import { DEFAULT_OUT_DIR } from './builder/build-inputs';

async function main(): Promise<void> {
  const outDir = process.argv[2] ?? DEFAULT_OUT_DIR;
  const built = await buildDashboard(outDir);
  const sizes = chunkSizes(outDir, built.metafile);
  for (const size of sizes)
    console.log(
      `  ${size.file.padEnd(36)} ${kB(size.bytes).padStart(10)}  ${kB(size.gzipBytes).padStart(9)} gzipped${size.entryPoint ? `  (${size.entryPoint})` : ''}`,
    );
  const first = new Set(pageFiles(outDir, built.metafile));
  const firstGzip = sizes.filter((s) => first.has(s.file)).reduce((sum, s) => sum + s.gzipBytes, 0);
  console.log(
    `dist: ${outDir} built in ${Math.round(built.ms)} ms; shell of the first page ${kB(firstGzip)} gzipped`,
  );
}

main().catch((error: unknown) => {
  console.error(`build:dashboard failed: ${(error as Error).message}`);
  process.exit(1);
});
