// One jest run, four projects by test kind (file suffix): unit tests need nothing but Node;
// int and e2e share a global setup that provides REAL Kafka, InfluxDB and MQTT servers;
// browser specs drive the dashboard in a real chromium.
const { pathsToModuleNameMapper } = require('./tools/dev/jest-paths.cjs');

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  // eventsource-parser ships only ES modules: compiled to CommonJS like our own sources.
  transform: { '^.+\\.ts$': swc, '/node_modules/eventsource-parser/.+\\.js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!eventsource-parser/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(),
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

const withServers = {
  globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/libs/testing/src/jest/timeouts.ts'],
};
// Integration tests also check every JSON answer of a Twinlog route against its OpenAPI
// description (ADR 0016).
const answersChecked = [
  ...withServers.setupFilesAfterEnv,
  '<rootDir>/apps/gateway/src/testing/answers-match-document.ts',
];

/** @type {import('jest').Config} */
module.exports = {
  // On 2 cores jest runs the tests in its own process. Tests close their clients, but one
  // client left reconnecting after the global teardown stopped the servers kept a CI run from
  // exiting once (all tests had passed); leave rather than hang the gate.
  forceExit: true,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools,bench}/**/*.unit.spec.ts'] },
    { ...base, ...withServers, setupFilesAfterEnv: answersChecked, displayName: 'int', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int.spec.ts'] },
    { ...base, ...withServers, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.e2e.spec.ts'] },
    // The dashboard in Debian's chromium (installed by the global setup where missing), against
    // an embedded all-in-one each spec file starts: no Kafka, InfluxDB or MQTT needed.
    {
      ...base,
      displayName: 'browser',
      globalSetup: '<rootDir>/libs/testing/src/jest/browser-global-setup.ts',
      setupFilesAfterEnv: withServers.setupFilesAfterEnv,
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.browser.spec.ts'],
    },
    // The deployment files judged by the real tools: Debian's kubectl (kustomize) and compose-go,
    // which the specs fetch or build into the cache where missing. No servers needed.
    { ...base, displayName: 'deploy', testMatch: ['<rootDir>/tools/**/*.deploy.spec.ts'] },
  ],
};
