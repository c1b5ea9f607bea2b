import { homedir } from 'node:os';
import { join } from 'node:path';
import { SEED_MODELS_DIR } from '@twinlog/model-files';
import { AllowedHosts, ConfigError } from '@twinlog/service-kit';
import { readDistributedConfig } from './distributed.config';

describe('npm run start:distributed configuration', () => {
  it('has a default for every setting', () => {
    expect(readDistributedConfig({})).toEqual({
      gatewayPort: 8080,
      allowedHosts: AllowedHosts.loopback,
      dataDir: join(homedir(), '.local', 'share', 'twinlog-distributed'),
      modelsDir: SEED_MODELS_DIR,
      twinStateReplicas: 1,
      simulator: { machines: 3, speed: 10, mqtt: false },
    });
    expect(readDistributedConfig({ TWINLOG_TWIN_STATE_REPLICAS: '3' }).twinStateReplicas).toBe(3);
    expect(
      readDistributedConfig({
        TWINLOG_HTTP_PORT: '9000',
        TWINLOG_SIMULATOR_SPEED: '60',
        TWINLOG_SIMULATOR_INPUT: 'mqtt',
      }),
    ).toMatchObject({ gatewayPort: 9000, simulator: { speed: 60, mqtt: true } });
    expect(readDistributedConfig({ TWINLOG_SIMULATOR: 'off' }).simulator).toBeUndefined();
    expect(
      readDistributedConfig({ TWINLOG_ALLOWED_HOSTS: 'twinlog.local' }).allowedHosts.toSetting(),
    ).toBe('localhost,127.0.0.1,[::1],twinlog.local');
  });

  it('names each bad setting instead of starting on NaN', () => {
    const bad = {
      TWINLOG_HTTP_PORT: 'eighty',
      TWINLOG_SIMULATOR_MACHINES: '0',
      TWINLOG_SIMULATOR_SPEED: 'fast',
      TWINLOG_SIMULATOR_INPUT: 'carrier-pigeon',
      TWINLOG_TWIN_STATE_REPLICAS: '0',
    };
    expect(() => readDistributedConfig(bad)).toThrow(ConfigError);
    try {
      readDistributedConfig(bad);
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.split('=')[0])).toEqual(Object.keys(bad));
    }
  });
});
