import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topicNames } from '@twinlog/event-log';
import type { Env } from '@twinlog/service-kit';
import { readAnomalyConfig } from '../../apps/anomaly/src/config/anomaly.config';
import { readMaintenanceConfig } from '../../apps/maintenance/src/config/maintenance.config';
import { SERVICES } from '../../apps/gateway/src/routes';
import { readGatewayConfig } from '../../apps/gateway/src/gateway.config';
import { durationSeconds, loadCompose, type ComposeService } from './compose-file';
import {
  ENTRY_POINTS,
  entryPointOf,
  REPO_ROOT,
  RUNNER,
  RUNTIME_VARIABLES,
  settingsRead,
  type EntryPoint,
} from './entry-points';
import { dockerIgnores, envOf, loadDockerfile } from './image-build';
import {
  containerEnv,
  loadK8s,
  matches,
  ofKind,
  podLabelsOf,
  podSpecOf,
  portNumber,
  type K8sObject,
} from './k8s-manifests';

// docker-compose.yml, k8s/ and the Dockerfile cannot be run on the CI machine (no Docker, no
// cluster): these tests hold them to the code instead. Settings are checked against what each
// app's own config reader reads, ports against what it listens on, consumer groups and topics
// against the config defaults and the topic naming of the event log.

/** shutdownOnSignals' default: a service abandons a clean stop after this long. */
const CLEAN_STOP_SECONDS = 30;
const HEALTH_CHECK = 'tools/deploy/http-ok.cjs';
const DEPLOYED_ROLES = [...SERVICES, 'gateway'] as const;
/** The roles that run on the log and the telemetry store (not the gateway). */
const ROLE_IS_SERVICE = Object.fromEntries(SERVICES.map((s) => [s, true]));

const dockerfile = loadDockerfile();
const runtimeStage = dockerfile.at(-1)!;
const imageEnv: Env = Object.assign(
  {},
  ...runtimeStage.instructions.filter((i) => i.op === 'ENV').map(envOf),
);

/**
 * Secrets a configuration reads from a mounted file (a Docker secret, a Kubernetes Secret
 * volume) when it starts: here they point at a file of the right shape instead, since the
 * mount exists only in the container.
 */
const MOUNTED_SECRETS: Record<string, string> = { ALERTING_SECRET_KEY_FILE: 'ab'.repeat(32) };
const secretsDir = mkdtempSync(join(tmpdir(), 'twinlog-mounted-'));
function withMountedSecrets(env: Env): Env {
  const mounted = { ...env };
  for (const [name, content] of Object.entries(MOUNTED_SECRETS)) {
    if (env[name] === undefined) continue;
    mounted[name] = join(secretsDir, name);
    writeFileSync(mounted[name], content);
  }
  return mounted;
}

/** The names an entry point's container is given that its app does not read. */
function unknownSettings(entry: EntryPoint, env: Record<string, string>): string[] {
  const known = settingsRead(entry);
  return Object.keys(env).filter((k) => !known.has(k) && !RUNTIME_VARIABLES.has(k));
}

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
    for (const left of ['node_modules/kafkajs/package.json', '.git/HEAD', 'apps/x/y.unit.spec.ts'])
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

describe('k8s/', () => {
  const { files, objects, kustomization } = loadK8s();
  const deployments = ofKind(objects, 'Deployment');
  const k8sServices = ofKind(objects, 'Service');
  const containerOf = (d: K8sObject) => podSpecOf(d).containers[0]!;
  const entryOf = (d: K8sObject) => entryPointOf(containerOf(d).command).entry;
  const envOfDeployment = (d: K8sObject): Env =>
    withMountedSecrets({ ...imageEnv, ...containerEnv(containerOf(d), objects, kustomization) });
  const running = (role: string) => deployments.filter((d) => entryOf(d).role === role);
  const listenPort = (d: K8sObject) => entryOf(d).readConfig!(envOfDeployment(d)).http.port;

  it('lists every manifest in the kustomization (but the example Secret), in one namespace', () => {
    const manifests = files.filter((f) => f !== 'kustomization.yaml' && !f.includes('.example.'));
    expect([...kustomization.resources].sort()).toEqual(manifests.sort());
    expect(ofKind(objects, 'Namespace').map((n) => n.metadata.name)).toEqual([
      kustomization.namespace,
    ]);
    for (const o of objects.filter((x) => x.metadata.namespace))
      expect(o.metadata.namespace).toBe(kustomization.namespace);
  });

  it('runs each service and the gateway from the image the kustomization sets', () => {
    for (const role of DEPLOYED_ROLES) expect([role, running(role).length]).toEqual([role, 1]);
    const images = kustomization.images.map((i) => i.name);
    for (const d of deployments) expect(images).toContain(containerOf(d).image);
  });

  it('sets only variables the service reads, and a configuration it accepts', () => {
    for (const d of deployments) {
      const env = containerEnv(containerOf(d), objects, kustomization);
      expect([d.metadata.name, unknownSettings(entryOf(d), env)]).toEqual([d.metadata.name, []]);
      expect(() => entryOf(d).readConfig!(envOfDeployment(d))).not.toThrow();
    }
  });

  it('probes /health/live and /health/ready on the port the service listens on', () => {
    for (const d of deployments) {
      const c = containerOf(d);
      const at = (probe: typeof c.readinessProbe) =>
        probe?.httpGet && `${probe.httpGet.path}:${portNumber(c, probe.httpGet.port)}`;
      const port = listenPort(d);
      expect([d.metadata.name, c.ports?.map((p) => p.containerPort)]).toEqual([
        d.metadata.name,
        [port],
      ]);
      // The gateway's /health/ready is the whole system's: as its readiness it would take
      // the whole API out of service for one service down (gateway.yaml says so).
      const ready = entryOf(d).role === 'gateway' ? '/health/live' : '/health/ready';
      expect([
        d.metadata.name,
        at(c.startupProbe),
        at(c.livenessProbe),
        at(c.readinessProbe),
      ]).toEqual([
        d.metadata.name,
        `/health/live:${port}`,
        `/health/live:${port}`,
        `${ready}:${port}`,
      ]);
    }
  });

  it('gives every pod resources, a non-root user, a grace period past its clean stop, and its data dir', () => {
    for (const d of deployments) {
      const pod = podSpecOf(d);
      const c = containerOf(d);
      expect([
        d.metadata.name,
        c.resources?.requests?.['cpu'],
        c.resources?.requests?.['memory'],
      ]).toEqual([d.metadata.name, expect.any(String), expect.any(String)]);
      expect(c.resources?.limits?.['memory']).toEqual(expect.any(String));
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false });
      const preStop = Number(c.lifecycle?.preStop?.exec?.command.at(-1) ?? 0);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStop + CLEAN_STOP_SECONDS);
      const writable = (path: string) => {
        const mount = c.volumeMounts?.find((m) => m.mountPath === path);
        return !!mount && !!pod.volumes?.find((v) => v.name === mount.name)?.emptyDir;
      };
      if (c.securityContext?.['readOnlyRootFilesystem']) expect(writable('/tmp')).toBe(true);
      if (entryOf(d).role in ROLE_IS_SERVICE)
        expect([d.metadata.name, writable(envOfDeployment(d)['TWINLOG_DATA_DIR']!)]).toEqual([
          d.metadata.name,
          true,
        ]);
    }
  });

  it('puts a Service in front of each Deployment, reaching the port it listens on', () => {
    for (const d of deployments) {
      const service = k8sServices.find((s) =>
        matches((s.spec as { selector: Record<string, string> }).selector, podLabelsOf(d)),
      );
      expect([d.metadata.name, service?.metadata.name]).toEqual([d.metadata.name, d.metadata.name]);
      const [port] = (
        service!.spec as { ports: Array<{ port: number; targetPort: string | number }> }
      ).ports;
      expect(portNumber(containerOf(d), port!.targetPort)).toBe(listenPort(d));
      expect(port!.port).toBe(listenPort(d));
    }
  });

  it('routes the gateway to the Services of the services, on their ports', () => {
    const gateway = running('gateway')[0]!;
    for (const [service, url] of Object.entries(
      readGatewayConfig(envOfDeployment(gateway)).upstreams,
    )) {
      const target = k8sServices.find((s) => s.metadata.name === new URL(url).hostname);
      const ports = (target?.spec as { ports: Array<{ port: number }> } | undefined)?.ports ?? [];
      const deployment = deployments.find((d) =>
        matches((target!.spec as { selector: Record<string, string> }).selector, podLabelsOf(d)),
      );
      expect([service, deployment && entryOf(deployment).role]).toEqual([service, service]);
      expect(ports.map((p) => p.port)).toContain(Number(new URL(url).port));
    }
  });

  it('listens beyond loopback in each pod, answering to the Service names it is reached by', () => {
    for (const d of deployments)
      expect([d.metadata.name, entryOf(d).readConfig!(envOfDeployment(d)).http.host]).toEqual([
        d.metadata.name,
        '0.0.0.0',
      ]);
    const gateway = running('gateway')[0]!;
    for (const url of Object.values(readGatewayConfig(envOfDeployment(gateway)).upstreams)) {
      const target = deployments.find((d) => d.metadata.name === new URL(url).hostname)!;
      const { allowedHosts } = entryOf(target).readConfig!(envOfDeployment(target)).http;
      expect([target.metadata.name, allowedHosts.allows(new URL(url).host)]).toEqual([
        target.metadata.name,
        true,
      ]);
    }
    const { allowedHosts } = readGatewayConfig(envOfDeployment(gateway)).http;
    expect(allowedHosts.allows('rebound.evil.example')).toBe(false);
  });

  it('runs twin-state as its single writer: one replica, never two during a rollout', () => {
    const twinState = running('twin-state')[0]!;
    expect(twinState.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
  });

  it('keeps anomaly workers available through drains', () => {
    const anomaly = running('anomaly')[0]!;
    const budgets = ofKind(objects, 'PodDisruptionBudget').filter((p) =>
      matches(
        (p.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
        podLabelsOf(anomaly),
      ),
    );
    expect(budgets).toHaveLength(1);
    expect(budgets[0]!.spec).toMatchObject({ maxUnavailable: 1 });
  });

  describe.each([
    ['anomaly', (env: Env) => readAnomalyConfig(env)],
    ['maintenance', (env: Env) => readMaintenanceConfig(env)],
  ] as const)('scaling %s workers on consumer lag (KEDA)', (role, read) => {
    it('watches its group on the telemetry topic, up to one worker per partition', () => {
      const deployment = running(role)[0]!;
      const config = read(envOfDeployment(deployment));
      if (config.service.mode !== 'distributed') throw new Error(`${role} is not distributed`);
      const scaled = ofKind(objects, 'ScaledObject').filter(
        (s) =>
          (s.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name ===
          deployment.metadata.name,
      );
      expect(scaled).toHaveLength(1);
      const spec = scaled[0]!.spec as {
        minReplicaCount: number;
        maxReplicaCount: number;
        triggers: Array<{ type: string; metadata: Record<string, string> }>;
      };
      expect(spec.triggers).toHaveLength(1);
      expect(spec.triggers[0]).toMatchObject({
        type: 'kafka',
        metadata: {
          // The Kafka group is the installation's prefix and the service's group (as topics are).
          consumerGroup: `${topicNames(config.service.kafka.topicPrefix).prefix}${config.group}`,
          topic: topicNames(config.service.kafka.topicPrefix).stream.telemetry,
          bootstrapServers: config.service.kafka.brokers.join(','),
          allowIdleConsumers: 'false',
        },
      });
      expect(spec.maxReplicaCount).toBe(config.service.kafka.partitions);
      expect(spec.minReplicaCount).toBeGreaterThanOrEqual(1);
      expect(spec.minReplicaCount).toBeLessThanOrEqual(spec.maxReplicaCount);
      // The ScaledObject owns the count: a replicas field would be reset on every apply.
      expect(deployment.spec).not.toHaveProperty('replicas');
    });
  });
});
