import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { planRuntimePackages, TYPESCRIPT_RUNNER, type Lockfile } from './runtime-packages';

/**
 * Run in the image's build stage after `npm ci`: removes the dev packages the services do not
 * run with (see runtime-packages.ts), and the command links left pointing at nothing.
 * `--dry-run` prints what it would remove.
 */
function main(argv: string[]): void {
  const root = process.cwd();
  const dryRun = argv.includes('--dry-run');
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as Lockfile;
  const plan = planRuntimePackages(lock, TYPESCRIPT_RUNNER, (p) => existsSync(join(root, p)));
  const present = plan.remove.filter((p) => existsSync(join(root, p)));
  for (const path of present) {
    if (dryRun) process.stdout.write(`${path}\n`);
    else rmSync(join(root, path), { recursive: true, force: true });
  }
  const bin = join(root, 'node_modules', '.bin');
  const dangling = existsSync(bin)
    ? readdirSync(bin).filter((name) => !existsSync(join(bin, name)))
    : [];
  if (!dryRun) for (const name of dangling) rmSync(join(bin, name), { force: true });
  process.stdout.write(
    `${dryRun ? 'would remove' : 'removed'} ${present.length} dev packages; kept ${plan.keep.size} ` +
      `(production and ${TYPESCRIPT_RUNNER.join(', ')} with what it needs)\n`,
  );
  if (!statSync(join(root, 'node_modules', '@swc-node', 'register')).isDirectory())
    throw new Error('@swc-node/register is gone: the services could not start');
}

main(process.argv.slice(2));
