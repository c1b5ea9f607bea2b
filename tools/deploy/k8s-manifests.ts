import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './entry-points';

/** The few Kubernetes shapes the deploy tests look at (plain objects as parsed from YAML). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  /** The file it came from. */
  file: string;
}

export interface Probe {
  httpGet?: { path: string; port: string | number };
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface Container {
  name: string;
  image: string;
  command: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  env?: Array<{
    name: string;
    value?: string;
    valueFrom?: {
      secretKeyRef?: { name: string; key: string; optional?: boolean };
      configMapKeyRef?: { name: string; key: string };
      fieldRef?: { fieldPath: string };
    };
  }>;
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

export interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: Record<string, unknown>;
  volumes?: Array<{ name: string; emptyDir?: unknown; persistentVolumeClaim?: unknown }>;
}

export const K8S_DIR = join(REPO_ROOT, 'k8s');

/** The overlays a user applies, as paths under k8s/. */
export const OVERLAYS = ['overlays/dev', 'overlays/production/plant-a', 'overlays/production'];

/** The objects of a YAML stream (a build's output, or a file). */
export function objectsOf(yaml: string, source: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(yaml)) {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as Omit<K8sObject, 'file'> | null;
    if (value) objects.push({ ...value, file: source });
  }
  return objects;
}

/** The example Secrets (k8s/examples/): the shape of what an operator creates by hand. */
export function exampleSecrets(): K8sObject[] {
  const dir = join(K8S_DIR, 'examples');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => objectsOf(readFileSync(join(dir, f), 'utf8'), `examples/${f}`));
}

export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function podSpecOf(workload: K8sObject): PodSpec {
  return (workload.spec as { template: { spec: PodSpec } }).template.spec;
}

export function podLabelsOf(workload: K8sObject): Record<string, string> {
  return (workload.spec as { template: { metadata: { labels: Record<string, string> } } }).template
    .metadata.labels;
}

/**
 * A container's environment as the kubelet would give it: the ConfigMaps and Secrets it names
 * (from a build's output, and the example Secrets), then its own env entries.
 */
export function containerEnv(container: Container, objects: K8sObject[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name ?? source.secretRef?.name;
    Object.assign(env, dataOf(name!, source.configMapRef ? 'ConfigMap' : 'Secret'));
  }
  for (const entry of container.env ?? []) {
    const secret = entry.valueFrom?.secretKeyRef;
    // An optional Secret that does not exist leaves the variable unset, as the kubelet does.
    if (
      secret?.optional &&
      !objects.some((o) => o.kind === 'Secret' && o.metadata.name === secret.name)
    )
      continue;
    const config = entry.valueFrom?.configMapKeyRef;
    const field = entry.valueFrom?.fieldRef;
    const value = secret
      ? dataOf(secret.name, 'Secret')[secret.key]
      : config
        ? dataOf(config.name, 'ConfigMap')[config.key]
        : field
          ? POD_FIELDS[field.fieldPath]
          : entry.value;
    if (value === undefined) throw new Error(`${container.name}: ${entry.name} has no value`);
    // The kubelet expands $(NAME) with the variables defined before it; others stay as written.
    env[entry.name] = value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (ref, name: string) =>
      name in env ? env[name]! : ref,
    );
  }
  return env;

  function dataOf(name: string, kind: 'ConfigMap' | 'Secret'): Record<string, string> {
    const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!object)
      throw new Error(
        `${container.name} names the ${kind} ${name}, which the build does not define`,
      );
    return { ...object.data, ...object.stringData };
  }
}

/** What the downward API gives a pod, as a running one would have it. */
const POD_FIELDS: Record<string, string> = {
  'status.podIP': '10.244.1.17',
  'metadata.name': 'twinlog-pod-0',
  'metadata.namespace': 'twinlog',
};

/** A named or numbered container port as a number. */
export function portNumber(container: Container, port: string | number): number {
  if (typeof port === 'number') return port;
  const found = container.ports?.find((p) => p.name === port);
  if (!found) throw new Error(`${container.name} has no port named ${port}`);
  return found.containerPort;
}

export function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
