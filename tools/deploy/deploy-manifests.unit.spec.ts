import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Env } from '@twinlog/service-kit';
import { readAnomalyConfig } from '../../apps/anomaly/src/config/anomaly.config';
import { readGatewayConfig } from '../../apps/gateway/src/gateway.config';
import { durationSeconds, loadCompose, type ComposeService } from './compose-file';
import {
  ENTRY_POINTS,
  entryPointOf,
  REPO_ROOT,
  RUNNER,
  RUNTIME_VARIABLES,
  settingsRead,
} from './entry-points';
import { dockerIgnores, loadDockerfile } from './image-build';
import {
  CLEAN_STOP_SECONDS,
  DEPLOYED_ROLES,
  imageEnv,
  ROLE_IS_SERVICE,
  unknownSettings,
  withMountedSecrets,
} from './deployed-env';

// docker-compose.yml and the Dockerfile cannot be run on the CI machine (no Docker): these
// tests hold them to the code instead. Settings are checked against what each
// app's own config reader reads, ports against what it listens on, consumer groups and topics
// against the config defaults and the topic naming of the event log. k8s/ is held to the code
// the same way, on what kubectl builds of it: k8s-overlays.deploy.spec.ts.

const HEALTH_CHECK = 'tools/deploy/http-ok.cjs';
const dockerfile = loadDockerfile();
const runtimeStage = dockerfile.at(-1)!;

describe('the image (Dockerfile, .dockerignore)', () => {
  it('builds on the Node line package.json asks for, in every stage', () => {
    const engines = (
      JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
        engines: { node: string };
      }
    ).engines.node;
    const major = /^>=(\d+)\./.exec(engines)![1];
    expect(dockerfile.length).toBeGreaterThanOrEqual(2);
    for (const stage of dockerfile) expect(stage.from).toBe(`node:${major}-slim`);
  });

  it('runs as a numeric non-root user, installs from the lockfile and prunes with the files it copies', () => {
    const ops = runtimeStage.instructions;
    const user = ops.filter((i) => i.op === 'USER').at(-1)?.args;
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(user!.split(':')[0]).not.toBe('0');
    const deps = dockerfile[0]!.instructions;
    expect(deps.some((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args))).toBe(true);
    const prune = deps.find((i) => i.op === 'RUN' && i.args.includes('prune-node-modules'));
    expect(prune?.args).toBe(`${RUNNER.join(' ')} tools/deploy/prune-node-modules.ts`);
    for (const copy of deps.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))) {
      const sources = copy.args.split(/\s+/).slice(0, -1);
      for (const source of sources) expect(existsSync(join(REPO_ROOT, source))).toBe(true);
    }
  });

  it('starts an existing entry point by default, and every ENV is a setting some app reads', () => {
    const cmd = JSON.parse(runtimeStage.instructions.find((i) => i.op === 'CMD')!.args) as string[];
    expect(entryPointOf(cmd).entry.role).toBe('all-in-one');
    const readByAny = new Set(ENTRY_POINTS.flatMap((e) => [...settingsRead(e)]));
    const unread = Object.keys(imageEnv).filter(
      (k) => !readByAny.has(k) && !RUNTIME_VARIABLES.has(k),
    );
    expect(unread).toEqual([]);
  });

  it('sends the sources the services run from, and not node_modules or git', () => {
    for (const kept of [
      'package.json',
      'package-lock.json',
      'tsconfig.base.json',
      'libs/domain/models/cnc-milling-machine.yaml',
      'tools/deploy/prune-node-modules.ts',
      ...ENTRY_POINTS.map((e) => e.main),
    ])
      expect([kept, dockerIgnores(kept)]).toEqual([kept, false]);
    for (const left of [
      'node_modules/kafkajs/package.json',
      '.git/HEAD',
      'apps/x/y.unit.spec.ts',
      // docker compose's secrets (docs/deploy.md): COPY . . must not take them into the image.
      '.env',
    ])
      expect([left, dockerIgnores(left)]).toEqual([left, true]);
  });
});

describe('the health check command (tools/deploy/http-ok.cjs)', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  it('is in the image and exits 0 for a 2xx answer, 1 for another status or no answer', async () => {
    expect(dockerIgnores(HEALTH_CHECK)).toBe(false);
    const server = createServer((req, res) => res.writeHead(req.url === '/ok' ? 200 : 503).end());
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const check = (url: string) =>
      new Promise<number | null>((resolve) =>
        execFile(process.execPath, [join(REPO_ROOT, HEALTH_CHECK), url], (error) =>
          resolve(error ? (error.code as number) : 0),
        ),
      );
    expect(await check(`${base}/ok`)).toBe(0);
    expect(await check(`${base}/health/ready`)).toBe(1);
    server.close();
    expect(await check(`${base}/ok`)).toBe(1);
  });
});

describe('docker-compose.yml', () => {
  const { services, namedVolumes } = loadCompose();
  const byName = new Map(services.map((s) => [s.name, s]));
  const twinlog = services.filter((s) => s.command?.[0] === 'node');
  const entryOf = (s: ComposeService) => entryPointOf(s.command!).entry;
  const envOfService = (s: ComposeService): Env =>
    withMountedSecrets({ ...imageEnv, ...s.environment });
  const runningRole = (role: string) => twinlog.filter((s) => entryOf(s).role === role);

  it('runs each service and the gateway from the one image, built here', () => {
    for (const role of DEPLOYED_ROLES) expect([role, runningRole(role).length]).toEqual([role, 1]);
    for (const s of twinlog) {
      expect(s.image).toBe('twinlog:local');
      expect(s.build).toBe('.');
    }
  });

  it('sets only variables the service reads, and a configuration it accepts', () => {
    for (const s of twinlog) {
      const entry = entryOf(s);
      expect([s.name, unknownSettings(entry, s.environment)]).toEqual([s.name, []]);
      if (entry.readConfig) expect(() => entry.readConfig!(envOfService(s))).not.toThrow();
      if (entry.parseArgs)
        expect(() => entry.parseArgs!(entryPointOf(s.command!).args)).not.toThrow();
    }
  });

  it("takes the second opinion's settings from .env, empty keeping each default", () => {
    const anomaly = byName.get('anomaly')!;
    expect(readAnomalyConfig(envOfService(anomaly)).secondOpinion).toEqual({
      twinTypes: [],
      intervalMs: 900_000,
      perHour: 3,
      queue: 20,
    });
    const fromDotEnv = {
      TWINLOG_AI_SECOND_OPINION_TYPES: 'cnc-milling-machine,coolant-pump',
      TWINLOG_AI_SECOND_OPINION_PER_HOUR: '12',
      TWINLOG_AI_SECOND_OPINION_INTERVAL_S: '300',
      TWINLOG_AI_SECOND_OPINION_QUEUE: '7',
      TWINLOG_AI_SECOND_OPINION_DAILY_TOKENS: '400000',
    };
    const opted = loadCompose(undefined, fromDotEnv).services.find((s) => s.name === 'anomaly')!;
    expect(opted.environment).toMatchObject(fromDotEnv);
    expect(readAnomalyConfig(envOfService(opted)).secondOpinion).toEqual({
      twinTypes: ['cnc-milling-machine', 'coolant-pump'],
      intervalMs: 300_000,
      perHour: 12,
      queue: 7,
    });
  });

  it('checks each service health at /health/ready on the port it listens on', () => {
    for (const s of twinlog.filter((t) => entryOf(t).readConfig && !t.profiles.length)) {
      const port = entryOf(s).readConfig!(envOfService(s)).http.port;
      expect([s.name, s.healthcheck?.test]).toEqual([
        s.name,
        ['CMD', 'node', HEALTH_CHECK, `http://127.0.0.1:${port}/health/ready`],
      ]);
    }
  });

  it('waits only on dependencies that have a health check, and restarts what should keep running', () => {
    for (const s of services) {
      for (const [target, { condition }] of Object.entries(s.depends_on)) {
        expect([s.name, target, byName.has(target)]).toEqual([s.name, target, true]);
        if (condition === 'service_healthy')
          expect([s.name, target, !!byName.get(target)!.healthcheck]).toEqual([
            s.name,
            target,
            true,
          ]);
      }
      if (!s.profiles.length) expect([s.name, s.restart]).toEqual([s.name, 'unless-stopped']);
    }
  });

  it('gives each service longer than its clean stop before Docker kills it', () => {
    for (const s of twinlog)
      expect(durationSeconds(s.stop_grace_period ?? '10s')).toBeGreaterThan(CLEAN_STOP_SECONDS);
  });

  it('points the services at the Kafka, InfluxDB and MQTT of this file, with its org, bucket and token', () => {
    const kafka = byName.get('kafka')!.environment;
    const influx = byName.get('influxdb')!.environment;
    for (const s of twinlog.filter((t) => entryOf(t).role in ROLE_IS_SERVICE)) {
      const config = entryOf(s).readConfig!(envOfService(s)) as unknown as {
        service: { mode: string; kafka: { brokers: string[] }; influx: Record<string, string> };
      };
      expect(config.service.mode).toBe('distributed');
      for (const broker of config.service.kafka.brokers)
        expect(kafka['KAFKA_ADVERTISED_LISTENERS']).toContain(`://${broker}`);
      expect(new URL(config.service.influx['url']!).hostname).toBe('influxdb');
      expect(config.service.influx).toMatchObject({
        org: influx['DOCKER_INFLUXDB_INIT_ORG'],
        bucket: influx['DOCKER_INFLUXDB_INIT_BUCKET'],
        token: influx['DOCKER_INFLUXDB_INIT_ADMIN_TOKEN'],
      });
    }
    const mqtt = runningRole('ingestion')[0]!.environment['MQTT_URL']!;
    expect(byName.has(new URL(mqtt).hostname)).toBe(true);
  });

  it('never lets two workers share an index file, nor runs more anomaly workers than partitions', () => {
    const anomaly = runningRole('anomaly')[0]!;
    const config = readAnomalyConfig(envOfService(anomaly)).service;
    if (config.mode !== 'distributed') throw new Error('anomaly is not in distributed mode');
    expect(anomaly.replicas).toBeGreaterThanOrEqual(2);
    expect(anomaly.replicas).toBeLessThanOrEqual(config.kafka.partitions);
    // SOURCE:TARGET with a source that is not a host path is a named volume.
    const named = (s: ComposeService) =>
      s.volumes
        .map((v) => v.split(':'))
        .filter(([source, target]) => target && !/^[./~]/.test(source!))
        .map(([source, target]) => ({ source: source!, target: target! }));
    const sources = twinlog.flatMap((s) => named(s).map((v) => v.source));
    expect(sources.filter((v) => !namedVolumes.includes(v))).toEqual([]);
    expect(new Set(sources).size).toBe(sources.length);
    for (const s of twinlog) {
      if (s.replicas > 1) expect([s.name, named(s)]).toEqual([s.name, []]);
      for (const v of named(s)) expect(v.target).toBe(envOfService(s)['TWINLOG_DATA_DIR']);
    }
  });

  it('routes the gateway to the services of this file, on the ports they listen on', () => {
    const gateway = runningRole('gateway')[0]!;
    const { upstreams, http } = readGatewayConfig(envOfService(gateway));
    for (const [service, url] of Object.entries(upstreams)) {
      const target = byName.get(new URL(url).hostname);
      expect([service, target && entryOf(target).role]).toEqual([service, service]);
      const port = entryOf(target!).readConfig!(envOfService(target!)).http.port;
      expect([service, Number(new URL(url).port)]).toEqual([service, port]);
    }
    expect(gateway.ports).toEqual([`127.0.0.1:${http.port}:${http.port}`]);
    const demo = runningRole('plant-simulator')[0]!;
    const options = entryOf(demo).parseArgs!(entryPointOf(demo.command!).args) as {
      options: { target: string; twinState: string };
    };
    for (const url of [options.options.target, options.options.twinState])
      expect(url).toBe(`http://${gateway.name}:${http.port}`);
  });
  it('listens beyond loopback in each container, answering to the names it is reached by', () => {
    const gateway = runningRole('gateway')[0]!;
    for (const s of twinlog.filter((t) => entryOf(t).readConfig && !t.profiles.length))
      expect([s.name, entryOf(s).readConfig!(envOfService(s)).http.host]).toEqual([
        s.name,
        '0.0.0.0',
      ]);
    for (const url of Object.values(readGatewayConfig(envOfService(gateway)).upstreams)) {
      const target = byName.get(new URL(url).hostname)!;
      const { allowedHosts } = entryOf(target).readConfig!(envOfService(target)).http;
      expect([target.name, allowedHosts.allows(new URL(url).host)]).toEqual([target.name, true]);
    }
    // The plant simulator calls the gateway by its name on the compose network.
    const { allowedHosts } = readGatewayConfig(envOfService(gateway)).http;
    expect(allowedHosts.allows(gateway.name)).toBe(true);
    expect(allowedHosts.allows('rebound.evil.example')).toBe(false);
  });
});
