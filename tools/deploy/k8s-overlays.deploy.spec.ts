import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { topicNames, topicSpecs } from '@twinlog/event-log';
import type { Env } from '@twinlog/service-kit';
import { readAnomalyConfig } from '../../apps/anomaly/src/config/anomaly.config';
import { readMaintenanceConfig } from '../../apps/maintenance/src/config/maintenance.config';
import { readGatewayConfig } from '../../apps/gateway/src/gateway.config';
import { readTwinStateConfig } from '../../apps/twin-state/src/config/twin-state.config';
import { ensureDebianKubectl, kustomize } from './debian-kubectl';
import {
  CLEAN_STOP_SECONDS,
  DEPLOYED_ROLES,
  imageEnv,
  ROLE_IS_SERVICE,
  unknownSettings,
  withMountedSecrets,
} from './deployed-env';
import { entryPointOf, REPO_ROOT } from './entry-points';
import {
  containerEnv,
  exampleSecrets,
  K8S_DIR,
  matches,
  objectsOf,
  ofKind,
  OVERLAYS,
  podLabelsOf,
  podSpecOf,
  portNumber,
  type K8sObject,
} from './k8s-manifests';
import { mayConnect, type Endpoint } from './network-policy';

// k8s/ judged by the real tools: each overlay built by Debian's kubectl (its kustomize v2.0.3 is
// the oldest the files must build with), every object it makes validated against the API's
// schemas offline, and the result held to the code: the settings each service reads, its ports
// and probes, its Kafka topics and login, and the traffic the NetworkPolicies let through.

const VALIDATOR = join(REPO_ROOT, 'tools', 'deploy', 'validate-k8s.mjs');
/** KEDA's Kafka scaler's names of the SASL mechanisms the services use. */
const KEDA_SASL: Record<string, string> = {
  'scram-sha-512': 'scram_sha512',
  'scram-sha-256': 'scram_sha256',
  plain: 'plaintext',
};
const kubectl = { path: '' };
beforeAll(() => {
  kubectl.path = ensureDebianKubectl();
}, 5 * 60_000);

interface Built {
  yaml: string;
  objects: K8sObject[];
}
const builds = new Map<string, Built>();
function build(overlay: string): Built {
  let built = builds.get(overlay);
  if (!built) {
    const run = kustomize(kubectl.path, join(K8S_DIR, overlay));
    if (!run.ok) throw new Error(`kubectl kustomize k8s/${overlay} failed:\n${run.err}`);
    built = { yaml: run.yaml, objects: objectsOf(run.yaml, overlay) };
    builds.set(overlay, built);
  }
  return built;
}

describe('k8s/: every file is part of a kustomization', () => {
  it('lists each manifest of a folder in its kustomization.yaml (resources or patches)', () => {
    const folders = (dir: string): string[] =>
      readdirSync(dir)
        .filter((f) => statSync(join(dir, f)).isDirectory())
        .flatMap((f) => [join(dir, f), ...folders(join(dir, f))]);
    const kustomized = folders(K8S_DIR).filter((d) => existsSync(join(d, 'kustomization.yaml')));
    expect(kustomized.length).toBeGreaterThanOrEqual(OVERLAYS.length);
    for (const dir of kustomized) {
      const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Record<
        string,
        unknown
      >;
      const named = new Set<string>([
        ...((kustomization['resources'] as string[] | undefined) ?? []),
        ...((kustomization['patchesStrategicMerge'] as string[] | undefined) ?? []),
        ...((kustomization['patchesJson6902'] as Array<{ path: string }> | undefined) ?? []).map(
          (p) => p.path,
        ),
      ]);
      const files = readdirSync(dir).filter(
        (f) => f.endsWith('.yaml') && f !== 'kustomization.yaml',
      );
      expect([dir, files.filter((f) => !named.has(f))]).toEqual([dir, []]);
    }
  });
});

describe.each(OVERLAYS)('k8s/%s', (overlay) => {
  // The example Secrets, read once: every container's environment is resolved against them.
  const examples = exampleSecrets();
  const objects = () => [...build(overlay).objects, ...examples];
  const deployments = () => ofKind(build(overlay).objects, 'Deployment');
  const namespaces = () => ofKind(build(overlay).objects, 'Namespace').map((n) => n.metadata.name);
  const inNamespace = (ns: string) =>
    build(overlay).objects.filter((o) => o.metadata.namespace === ns);
  const containerOf = (d: K8sObject) => podSpecOf(d).containers[0]!;
  const entryOf = (d: K8sObject) => entryPointOf(containerOf(d).command).entry;
  const envOf = (d: K8sObject): Env =>
    withMountedSecrets({ ...imageEnv, ...containerEnv(containerOf(d), objects()) });
  const listenPort = (d: K8sObject) => entryOf(d).readConfig!(envOf(d)).http.port;
  /** The Kafka settings a Deployment's service reads (none for the gateway). */
  const kafkaOf = (d: K8sObject) =>
    (
      entryOf(d).readConfig!(envOf(d)) as {
        service?: {
          kafka?: {
            topicPrefix: string;
            partitions: number;
            security: { sasl?: { username: string; mechanism: string }; tls?: unknown };
          };
        };
      }
    ).service?.kafka;
  const running = (ns: string, role: string) =>
    deployments().filter((d) => d.metadata.namespace === ns && entryOf(d).role === role);

  it('builds with Debian’s kubectl, and every object validates against the API schemas', () => {
    const run = spawnSync(process.execPath, [VALIDATOR, '-'], {
      input: build(overlay).yaml,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`${build(overlay).objects.length} objects, 0 invalid`);
    expect(run.status).toBe(0);
  });

  it('puts each site in a namespace of its own, enforcing the restricted Pod Security Standard', () => {
    expect(namespaces().length).toBeGreaterThanOrEqual(1);
    for (const ns of ofKind(build(overlay).objects, 'Namespace'))
      expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const o of build(overlay).objects.filter((x) => x.kind !== 'Namespace'))
      expect([o.kind, o.metadata.name, namespaces()]).toEqual([
        o.kind,
        o.metadata.name,
        expect.arrayContaining([o.metadata.namespace]),
      ]);
  });

  it('runs each service and the gateway once per site, from the one image', () => {
    for (const ns of namespaces()) {
      for (const role of DEPLOYED_ROLES)
        expect([ns, role, running(ns, role).length]).toEqual([ns, role, 1]);
      const images = new Set(
        inNamespace(ns).flatMap((o) => (o.kind === 'Deployment' ? [containerOf(o).image] : [])),
      );
      expect(images.size).toBe(1);
      expect([...images][0]).toMatch(/^[\w.-]+(\/[\w.-]+)+:[\w.-]+$/);
    }
  });

  it('sets only variables the service reads, and a configuration it accepts', () => {
    for (const d of deployments()) {
      const env = containerEnv(containerOf(d), objects());
      const name = `${d.metadata.namespace}/${d.metadata.name}`;
      // A variable that only feeds another's $(NAME) (the pod's IP) is the kubelet's, not the app's.
      const referenced = new Set(
        (containerOf(d).env ?? []).flatMap((e) =>
          [...(e.value ?? '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)].map((m) => m[1]!),
        ),
      );
      const unread = unknownSettings(entryOf(d), env).filter((k) => !referenced.has(k));
      expect([name, unread]).toEqual([name, []]);
      expect(() => entryOf(d).readConfig!(envOf(d))).not.toThrow();
    }
  });

  it('listens beyond loopback in each pod, where its Service reaches it', () => {
    for (const d of deployments())
      expect([d.metadata.name, entryOf(d).readConfig!(envOf(d)).http.host]).toEqual([
        d.metadata.name,
        '0.0.0.0',
      ]);
  });

  it('mounts every file a setting names (a Secret’s key at that path)', () => {
    for (const d of deployments()) {
      const c = containerOf(d);
      const volumes = (podSpecOf(d).volumes ?? []) as Array<{
        name: string;
        secret?: { items?: Array<{ key: string; path: string }> };
      }>;
      const files = Object.entries(containerEnv(c, objects())).filter(([k]) => k.endsWith('_FILE'));
      for (const [setting, path] of files) {
        const mount = c.volumeMounts?.find((m) => path.startsWith(`${m.mountPath}/`));
        const items = volumes.find((v) => v.name === mount?.name)?.secret?.items;
        const inside = mount && path.slice(mount.mountPath.length + 1);
        expect([
          d.metadata.name,
          setting,
          !!mount && (!items || items.some((i) => i.path === inside)),
        ]).toEqual([d.metadata.name, setting, true]);
      }
    }
  });

  it('probes /health/live and /health/ready on the port the service listens on', () => {
    for (const d of deployments()) {
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
    for (const d of deployments()) {
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
        expect([d.metadata.name, writable(envOf(d)['TWINLOG_DATA_DIR']!)]).toEqual([
          d.metadata.name,
          true,
        ]);
    }
  });

  it('puts a Service in front of each Deployment, and routes the gateway to them', () => {
    for (const ns of namespaces()) {
      const services = ofKind(inNamespace(ns), 'Service');
      for (const d of deployments().filter((x) => x.metadata.namespace === ns)) {
        const service = services.find((s) =>
          matches((s.spec as { selector: Record<string, string> }).selector, podLabelsOf(d)),
        );
        expect([d.metadata.name, service?.metadata.name]).toEqual([
          d.metadata.name,
          d.metadata.name,
        ]);
        const [port] = (service!.spec as { ports: Array<{ port: number; targetPort: string }> })
          .ports;
        expect(portNumber(containerOf(d), port!.targetPort)).toBe(listenPort(d));
        expect(port!.port).toBe(listenPort(d));
      }
      const gateway = running(ns, 'gateway')[0]!;
      for (const [role, url] of Object.entries(readGatewayConfig(envOf(gateway)).upstreams)) {
        const target = running(ns, role)[0]!;
        expect([role, new URL(url).hostname, Number(new URL(url).port)]).toEqual([
          role,
          target.metadata.name,
          listenPort(target),
        ]);
        const { allowedHosts } = entryOf(target).readConfig!(envOf(target)).http;
        expect([role, allowedHosts.allows(new URL(url).host)]).toEqual([role, true]);
      }
      expect(
        readGatewayConfig(envOf(gateway)).http.allowedHosts.allows('rebound.evil.example'),
      ).toBe(false);
    }
  });

  it('sends an Ingress host, where there is one, to the gateway, which answers to that name', () => {
    for (const ingress of ofKind(build(overlay).objects, 'Ingress')) {
      const gateway = running(ingress.metadata.namespace!, 'gateway')[0]!;
      const rules = (
        ingress.spec as {
          rules: Array<{
            host: string;
            http: { paths: Array<{ backend: { service: { name: string } } }> };
          }>;
        }
      ).rules;
      for (const rule of rules) {
        expect(rule.http.paths.map((p) => p.backend.service.name)).toEqual(['gateway']);
        expect(readGatewayConfig(envOf(gateway)).http.allowedHosts.allows(rule.host)).toBe(true);
      }
    }
  });

  it('runs twin-state as replicas that share the partitions, each reached at its pod’s address', () => {
    for (const ns of namespaces()) {
      const twinState = running(ns, 'twin-state')[0]!;
      const config = readTwinStateConfig(envOf(twinState));
      const partitions = kafkaOf(twinState)!.partitions;
      // The pod's IP, as the downward API gives it, and the port it listens on.
      expect(config.replicas).toMatchObject({ shared: true, url: 'http://10.244.1.17:8082' });
      expect(listenPort(twinState)).toBe(8082);
      // The other replicas call it by that address: it answers to it.
      expect(config.http.allowedHosts.allows('10.244.1.17:8082')).toBe(true);
      const replicas = (twinState.spec?.['replicas'] as number | undefined) ?? 1;
      expect(replicas).toBeGreaterThanOrEqual(1);
      expect(replicas).toBeLessThanOrEqual(partitions);
      // A rollout adds a replica before it takes one away: the partitions always have owners.
      expect(twinState.spec).toMatchObject({
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } },
      });
      const budgets = ofKind(inNamespace(ns), 'PodDisruptionBudget').filter((p) =>
        matches(
          (p.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
          podLabelsOf(twinState),
        ),
      );
      expect(budgets.map((b) => b.spec)).toEqual([expect.objectContaining({ maxUnavailable: 1 })]);
    }
  });

  it('keeps anomaly workers available through drains', () => {
    for (const ns of namespaces()) {
      const anomaly = running(ns, 'anomaly')[0]!;
      const budgets = ofKind(inNamespace(ns), 'PodDisruptionBudget').filter((p) =>
        matches(
          (p.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
          podLabelsOf(anomaly),
        ),
      );
      expect(budgets).toHaveLength(1);
      expect(budgets[0]!.spec).toMatchObject({ maxUnavailable: 1 });
    }
  });

  it('declares the Kafka topics the services would create, where Strimzi makes them', () => {
    for (const ns of namespaces()) {
      const topics = ofKind(inNamespace(ns), 'KafkaTopic');
      if (topics.length === 0) continue;
      const kafka = kafkaOf(running(ns, 'twin-state')[0]!)!;
      const wanted = topicSpecs(topicNames(kafka.topicPrefix), kafka.partitions, 3);
      expect(topics.map((t) => t.metadata.name).sort()).toEqual(wanted.map((t) => t.topic).sort());
      for (const want of wanted) {
        const spec = topics.find((t) => t.metadata.name === want.topic)!.spec as {
          partitions: number;
          config: Record<string, string | number>;
        };
        expect([want.topic, spec.partitions]).toEqual([want.topic, want.numPartitions]);
        for (const { name, value } of want.configEntries)
          expect([want.topic, name, String(spec.config[name])]).toEqual([want.topic, name, value]);
      }
    }
  });

  it('logs each Kafka-using service in as a KafkaUser of its own, allowed its own groups', () => {
    for (const ns of namespaces()) {
      const users = ofKind(inNamespace(ns), 'KafkaUser');
      if (users.length === 0) continue;
      for (const d of deployments().filter((x) => x.metadata.namespace === ns)) {
        const role = entryOf(d).role;
        const env = envOf(d);
        if (role === 'gateway') {
          expect(kafkaOf(d)).toBeUndefined();
          continue;
        }
        const sasl = kafkaOf(d)!.security.sasl!;
        const user = users.find((u) => u.metadata.name === sasl.username);
        expect([role, user?.metadata.name]).toEqual([role, sasl.username]);
        const spec = user!.spec as {
          authentication: { type: string };
          authorization: {
            acls: Array<{
              resource: { type: string; name?: string; patternType?: string };
              operations: string[];
            }>;
          };
        };
        expect(spec.authentication.type).toBe(sasl.mechanism);
        // The password file is the Secret the User Operator keeps for that user.
        const mount = podSpecOf(d).volumes?.find((v) => v.name === 'kafka-login') as
          { secret?: { secretName: string } } | undefined;
        expect([role, mount?.secret?.secretName]).toEqual([role, sasl.username]);
        const allows = (type: string, name: string, operation: string) =>
          spec.authorization.acls.some(
            (acl) =>
              acl.resource.type === type &&
              acl.operations.includes(operation) &&
              (acl.resource.patternType === 'prefix'
                ? name.startsWith(acl.resource.name!)
                : acl.resource.name === name),
          );
        const prefix = env['TWINLOG_TOPIC_PREFIX']!;
        for (const topic of topicSpecs(topicNames(prefix), 1, 1))
          expect([role, topic.topic, allows('topic', topic.topic, 'Describe')]).toEqual([
            role,
            topic.topic,
            true,
          ]);
        const group = (
          { anomaly: readAnomalyConfig, maintenance: readMaintenanceConfig } as Record<
            string,
            ((e: Env) => { group: string }) | undefined
          >
        )[role]?.(env).group;
        if (group) expect(allows('group', `${prefix}${group}`, 'Read')).toBe(true);
        // Never another installation's topics, nor the whole cluster's.
        expect(allows('topic', 'another.twin-events', 'Read')).toBe(false);
        expect(spec.authorization.acls.some((a) => a.operations.includes('All'))).toBe(false);
      }
    }
  });

  describe('NetworkPolicies', () => {
    // Every pod has an address: a network plugin may match it with an ipBlock.
    const podOf = (d: K8sObject): Endpoint => ({
      namespace: d.metadata.namespace!,
      labels: podLabelsOf(d),
      ip: `10.42.${deployments().indexOf(d)}.7`,
      namedPorts: Object.fromEntries(
        (containerOf(d).ports ?? []).map((p) => [p.name ?? '', p.containerPort]),
      ),
    });
    /** A server the services reach by its cluster name (<service>.<namespace>.svc...). */
    const serverAt = (host: string, labels: Record<string, string> = {}): Endpoint => ({
      namespace: host.split('.')[1]!,
      labels: { 'app.kubernetes.io/name': host.split('.')[0]!, ...labels },
      ip: '10.43.0.9',
    });
    const policies = () => ofKind(build(overlay).objects, 'NetworkPolicy');
    const ingressController: Endpoint = {
      namespace: 'ingress-nginx',
      labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    };
    // CoreDNS, and NodeLocal DNSCache's address on the node.
    const dns: Endpoint[] = [
      { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ip: '10.43.0.10' },
      { namespace: '', ip: '169.254.20.10' },
    ];

    it('let the ingress reach the gateway, and the gateway each service, on their ports only', () => {
      for (const ns of namespaces()) {
        const gateway = running(ns, 'gateway')[0]!;
        expect(mayConnect(policies(), ingressController, podOf(gateway), listenPort(gateway))).toBe(
          true,
        );
        for (const d of deployments().filter((x) => x.metadata.namespace === ns && x !== gateway)) {
          const role = entryOf(d).role;
          expect([role, mayConnect(policies(), podOf(gateway), podOf(d), listenPort(d))]).toEqual([
            role,
            true,
          ]);
          expect([role, mayConnect(policies(), podOf(gateway), podOf(d), 22)]).toEqual([
            role,
            false,
          ]);
          expect([
            role,
            mayConnect(policies(), ingressController, podOf(d), listenPort(d)),
          ]).toEqual([role, false]);
        }
      }
    });

    it('keep services from calling each other: they talk through Kafka', () => {
      for (const ns of namespaces()) {
        const services = deployments().filter(
          (d) => d.metadata.namespace === ns && entryOf(d).role in ROLE_IS_SERVICE,
        );
        for (const from of services)
          for (const to of services.filter((x) => x !== from))
            expect([
              from.metadata.name,
              to.metadata.name,
              mayConnect(policies(), podOf(from), podOf(to), listenPort(to)),
            ]).toEqual([from.metadata.name, to.metadata.name, false]);
      }
    });

    it('let twin-state replicas reach one another on their port only', () => {
      for (const ns of namespaces()) {
        const twinState = running(ns, 'twin-state')[0]!;
        const one = podOf(twinState);
        const other = { ...one, ip: one.ip!.replace(/\.7$/, '.8') };
        expect(mayConnect(policies(), one, other, listenPort(twinState))).toBe(true);
        expect(mayConnect(policies(), one, other, 22)).toBe(false);
      }
    });

    it('let each service reach Kafka, InfluxDB and DNS at the addresses it is given, and the gateway none of them', () => {
      for (const ns of namespaces()) {
        const gateway = running(ns, 'gateway')[0]!;
        // Where the site's Kafka and InfluxDB are, as the services are told.
        const siteEnv = envOf(running(ns, 'twin-state')[0]!);
        for (const d of deployments().filter((x) => x.metadata.namespace === ns)) {
          const env = { ...siteEnv, ...envOf(d) };
          const isService = entryOf(d).role in ROLE_IS_SERVICE;
          for (const server of dns) expect(mayConnect(policies(), podOf(d), server, 53)).toBe(true);
          for (const broker of env['KAFKA_BROKERS']!.split(',')) {
            const [host, port] = broker.split(':');
            const kafka = serverAt(host!, { 'strimzi.io/kind': 'Kafka' });
            expect([
              d.metadata.name,
              broker,
              mayConnect(policies(), podOf(d), kafka, Number(port)),
            ]).toEqual([d.metadata.name, broker, isService]);
          }
          const influx = new URL(env['INFLUX_URL']!);
          expect([
            d.metadata.name,
            mayConnect(policies(), podOf(d), serverAt(influx.hostname), Number(influx.port)),
          ]).toEqual([d.metadata.name, isService]);
          if (env['MQTT_URL']) {
            const mqtt = new URL(env['MQTT_URL']);
            expect(
              mayConnect(policies(), podOf(d), serverAt(mqtt.hostname), Number(mqtt.port)),
            ).toBe(true);
            expect(
              mayConnect(policies(), podOf(gateway), serverAt(mqtt.hostname), Number(mqtt.port)),
            ).toBe(false);
          }
        }
      }
    });
  });

  describe.each([
    ['anomaly', (env: Env) => readAnomalyConfig(env)],
    ['maintenance', (env: Env) => readMaintenanceConfig(env)],
  ] as const)('%s workers', (role, read) => {
    it('scale on their group’s lag on the telemetry topic, up to one per partition (KEDA), where KEDA is used', () => {
      const scaledObjects = ofKind(build(overlay).objects, 'ScaledObject');
      for (const ns of namespaces()) {
        const deployment = running(ns, role)[0]!;
        const config = read(envOf(deployment));
        if (config.service.mode !== 'distributed') throw new Error(`${role} is not distributed`);
        const scaled = scaledObjects.filter(
          (s) =>
            s.metadata.namespace === ns &&
            (s.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name ===
              deployment.metadata.name,
        );
        // The dev overlay has no KEDA: one worker, the Deployment's default.
        if (scaledObjects.length === 0) {
          expect(deployment.spec?.['replicas'] ?? 1).toBe(1);
          continue;
        }
        expect(scaled).toHaveLength(1);
        const spec = scaled[0]!.spec as {
          minReplicaCount: number;
          maxReplicaCount: number;
          triggers: Array<{ type: string; metadata: Record<string, string> }>;
        };
        const { kafka } = config.service;
        expect(spec.triggers).toHaveLength(1);
        expect(spec.triggers[0]).toMatchObject({
          type: 'kafka',
          metadata: {
            consumerGroup: `${topicNames(kafka.topicPrefix).prefix}${config.group}`,
            topic: topicNames(kafka.topicPrefix).stream.telemetry,
            bootstrapServers: kafka.brokers.join(','),
            allowIdleConsumers: 'false',
            // KEDA logs in as the workers do.
            ...(kafka.security.sasl ? { sasl: KEDA_SASL[kafka.security.sasl.mechanism] } : {}),
            ...(kafka.security.tls ? { tls: 'enable' } : {}),
          },
        });
        if (kafka.security.sasl) {
          // KEDA logs in as the workers: their username, their KafkaUser's Secret.
          const ref = (
            scaled[0]!.spec as { triggers: Array<{ authenticationRef?: { name: string } }> }
          ).triggers[0]!.authenticationRef?.name;
          const auth = ofKind(inNamespace(ns), 'TriggerAuthentication').find(
            (t) => t.metadata.name === ref,
          );
          const authSpec = auth?.spec as {
            secretTargetRef: Array<{ parameter: string; name: string; key: string }>;
            env: Array<{ parameter: string; name: string; containerName: string }>;
          };
          expect(authSpec.secretTargetRef).toContainEqual({
            parameter: 'password',
            name: kafka.security.sasl.username,
            key: 'password',
          });
          expect(authSpec.env).toContainEqual({
            parameter: 'username',
            name: 'TWINLOG_KAFKA_USERNAME',
            containerName: containerOf(deployment).name,
          });
          const ca = authSpec.secretTargetRef.find((t) => t.parameter === 'ca');
          const caVolume = (podSpecOf(deployment).volumes ?? []).find(
            (v) => v.name === 'kafka-ca',
          ) as { secret?: { secretName: string } } | undefined;
          expect(ca?.name).toBe(caVolume?.secret?.secretName);
        }
        expect(spec.maxReplicaCount).toBe(kafka.partitions);
        expect(spec.minReplicaCount).toBeGreaterThanOrEqual(1);
        expect(spec.minReplicaCount).toBeLessThanOrEqual(spec.maxReplicaCount);
        // The ScaledObject owns the count: a replicas field would be reset on every apply.
        expect(deployment.spec).not.toHaveProperty('replicas');
      }
    });
  });
});
