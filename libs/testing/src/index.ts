export * from './infra/infra-settings';
export * from './infra/provision-infra';
export * from './infra/provisioned-server';
export * from './infra/test-settings';
export * from './infra/ports';
export { cacheDir, repoRoot } from './infra/cache-dir';
export { startLocalKafka } from './infra/local/kafka.local';
export { startTcpProxy, type TcpProxy } from './faults/tcp-proxy';
export { distributedServiceEnv } from './infra/service-env';
