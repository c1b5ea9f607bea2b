import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// The layering rules are enforced, not hoped for: lint a would-be file in each layer and
// expect the boundary rule to refuse what ARCHITECTURE.md forbids.
const root = join(__dirname, '..', '..');
const eslintBin = join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');

/** The boundary rule's messages for `code` placed at `filePath`. */
function lint(filePath: string, code: string): string {
  const result = spawnSync(
    process.execPath,
    [eslintBin, '--stdin', '--stdin-filename', filePath, '--format', 'json'],
    {
      cwd: root,
      input: code,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false' },
    },
  );
  if (!result.stdout.startsWith('['))
    throw new Error(`eslint did not run: ${result.stdout}${result.stderr}`);
  const [file] = JSON.parse(result.stdout) as Array<{
    messages: Array<{ ruleId: string | null; message: string }>;
  }>;
  return (file?.messages ?? [])
    .filter((m) => m.ruleId === '@nx/enforce-module-boundaries')
    .map((m) => m.message)
    .join('\n');
}

describe('module boundaries', () => {
  jest.setTimeout(60_000);

  // The boundary rule reads Nx's cached project graph and silently skips itself without one
  // (a fresh clone where no nx command ran yet): compute the graph first.
  beforeAll(() => {
    const nx = spawnSync(process.execPath, [require.resolve('nx/bin/nx'), 'show', 'projects'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    });
    if (nx.status !== 0) throw new Error(`nx could not compute the project graph: ${nx.stderr}`);
  });

  it('keeps infrastructure packages out of the domain', () => {
    const out = lint(
      'libs/domain/src/leak.ts',
      "import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n",
    );
    expect(out).toMatch(/kafkajs/);
    expect(out).toMatch(/banned|not allowed/i);
  });

  it('keeps the domain from depending on other libraries', () => {
    const out = lint(
      'libs/domain/src/leak.ts',
      "import { freePort } from '@twinlog/testing';\nexport const p = freePort;\n",
    );
    // Every library depends on the domain, so the rule may name the cycle before the tags.
    expect(out).toMatch(
      /type:domain.*can only depend on libs tagged with.*type:domain|Circular dependency between "domain" and "testing"/i,
    );
  });

  it('lets test tooling use the domain', () => {
    const out = lint(
      'libs/testing/src/ok.ts',
      "import { TwinlogError } from '@twinlog/domain';\nexport const e = TwinlogError;\n",
    );
    expect(out).toBe('');
  });

  it('lets the dashboard (a browser) use the domain, and nothing of the services', () => {
    expect(
      lint(
        'apps/dashboard/src/ok.ts',
        "import { TwinlogError } from '@twinlog/domain';\nexport const e = TwinlogError;\n",
      ),
    ).toBe('');
    const out = lint(
      'apps/dashboard/src/leak.ts',
      "import { bounded } from '@twinlog/service-kit';\nexport const b = bounded;\n",
    );
    expect(out).toMatch(/type:web.*can only depend on libs tagged with.*type:domain/i);
  });
});
