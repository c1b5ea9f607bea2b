import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import layerRules from './tools/architecture/layer-rules.json' with { type: 'json' };

// Layering (ARCHITECTURE.md): apps -> adapters -> logic -> domain; domain depends on nothing.
// The rules live in tools/architecture/layer-rules.json, which docs/architecture.md's table is
// generated from. Pure layers may not import infrastructure packages either, so I/O stays at
// the edges. Test files may also use the testing library.
// Apps never import apps, except where composing them is the point (the all-in-one process,
// the gateway's API description, and test tooling that starts services): there, through
// their @twinlog/app-* entry points.
const BROWSER_ONLY = 'The dashboard runs in a browser: only libs/domain and browser packages.';

function boundaries(inTests, composesApps = false) {
  return {
    enforceBuildableLibDependency: true,
    allow: composesApps ? ['@twinlog/app-*'] : [],
    depConstraints: layerRules.layers.map((layer) => ({
      sourceTag: layer.tag,
      onlyDependOnLibsWithTags: [...new Set([...layer.may, ...(inTests ? layerRules.testsMayAlso : [])])],
      ...(layer.pure
        ? { bannedExternalImports: [...layerRules.infrastructure, ...(layer.browser ? layerRules.browserBanned : [])] }
        : {}),
    })),
  };
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  prettier,
  { ignores: ['**/node_modules', '**/dist', 'tmp', '.nx', '**/*.cjs', '**/*.mjs'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(false)],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read configuration through the app\'s typed config, not process.env.' },
      ],
    },
  },
  {
    // The dashboard runs in a browser: no Node built-ins, no service code (layer-rules.json's
    // browserBanned, said again here because nx checks only packages, not built-ins).
    files: ['apps/dashboard/src/**/*.ts', 'apps/dashboard/src/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: layerRules.browserBanned.filter((n) => !n.includes('*')).map((name) => ({ name, message: BROWSER_ONLY })),
        patterns: [{ group: layerRules.browserBanned.filter((n) => n.includes('*')), message: BROWSER_ONLY }],
      }],
    },
  },
  {
    // The dashboard's build tooling is Node code (esbuild, fs), run by npm start and the gateway.
    files: ['apps/dashboard/build.ts', 'apps/dashboard/builder/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // The gateway describes the services it routes to from their own controllers (ADR 0016);
    // its main builds the dashboard it serves when stale (@twinlog/app-dashboard).
    files: ['apps/all-in-one/**/*.ts', 'apps/gateway/src/api/**/*.ts', 'apps/gateway/src/main.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries(false, true)] },
  },
  {
    // Tests and their tooling may use the testing library (tools/ and bench/ are in no project:
    // tools/distributed provisions the local distributed mode's servers with it).
    files: ['**/*.spec.ts', '**/testing/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries(true, true)] },
  },
  {
    // Configuration loaders and the test tooling are the places allowed to read the environment.
    files: ['**/config/**/*.ts', '**/*.config.ts', 'libs/testing/**/*.ts', 'tools/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
];
