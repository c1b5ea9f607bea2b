import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

// Layering (ARCHITECTURE.md): apps -> adapters -> logic -> domain; domain depends on nothing.
// Pure layers may not import infrastructure packages either, so I/O stays at the edges.
const INFRASTRUCTURE = [
  'kafkajs', '@nestjs/*', '@influxdata/*', 'openai', 'mqtt', 'express', 'testcontainers',
  '@testcontainers/*', 'node:fs', 'node:fs/promises', 'fs', 'node:child_process', 'node:net', 'node:http',
];

// Which tagged libraries each layer may import. Test files may also use the testing library.
// Apps never import apps, except where composing them is the point (the all-in-one process,
// and test tooling that starts services): there, through their @twinlog/app-* entry points.
function boundaries(inTests, composesApps = false) {
  const testing = inTests ? ['type:testing'] : [];
  return {
    enforceBuildableLibDependency: true,
    allow: composesApps ? ['@twinlog/app-*'] : [],
    depConstraints: [
      { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', ...testing], bannedExternalImports: INFRASTRUCTURE },
      { sourceTag: 'type:logic', onlyDependOnLibsWithTags: ['type:domain', 'type:logic', ...testing], bannedExternalImports: INFRASTRUCTURE },
      { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:domain', 'type:logic', 'type:adapter', ...testing] },
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:logic', 'type:adapter', 'type:testing'] },
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:logic', 'type:adapter', ...testing] },
    ],
  };
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  prettier,
  { ignores: ['**/node_modules', '**/dist', 'tmp', '.nx', '**/*.cjs', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
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
    files: ['apps/all-in-one/**/*.ts'],
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
