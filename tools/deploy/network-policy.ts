import type { K8sObject } from './k8s-manifests';

/**
 * Whether Kubernetes NetworkPolicies let one pod reach another on a TCP port, as the API
 * defines them (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
 * a pod selected by no policy of a direction is open in it; a selected pod allows only what
 * some rule of those policies allows; a connection needs the sender's egress and the
 * receiver's ingress both. Enough of it for the deployment tests: label selectors (matchLabels,
 * matchExpressions In/NotIn/Exists/DoesNotExist), namespace selectors, ipBlocks (matching pods'
 * addresses too, as some network plugins do), numbered and named ports. Pods are described,
 * not run.
 */
export interface Endpoint {
  namespace: string;
  /** The namespace's labels (kubernetes.io/metadata.name is added). */
  namespaceLabels?: Record<string, string>;
  /** A pod's labels; absent for an address outside the cluster. */
  labels?: Record<string, string>;
  /** Its address (a pod's, or one outside the cluster), for ipBlock rules. */
  ip?: string;
  /** A pod's named container ports, for rules that name a port. */
  namedPorts?: Record<string, number>;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: Array<{ protocol?: string; port?: number | string; endPort?: number }>;
}

interface PolicySpec {
  podSelector: LabelSelector;
  policyTypes?: Array<'Ingress' | 'Egress'>;
  ingress?: Rule[];
  egress?: Rule[];
}

export function selects(selector: LabelSelector | undefined, labels: Record<string, string>) {
  if (!selector) return true;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    byLabel &&
    (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      const has = key in labels;
      switch (operator) {
        case 'In':
          return has && values.includes(labels[key]!);
        case 'NotIn':
          return !has || !values.includes(labels[key]!);
        case 'Exists':
          return has;
        case 'DoesNotExist':
          return !has;
        default:
          throw new Error(`unknown selector operator ${operator}`);
      }
    })
  );
}

function nsLabels(end: Endpoint): Record<string, string> {
  return { ...end.namespaceLabels, 'kubernetes.io/metadata.name': end.namespace };
}

function ipNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipNumber(ip) / size) === Math.floor(ipNumber(base!) / size);
}

/** Whether a rule's peer is the other end (policyNamespace: the policy's own). */
function peerMatches(peer: Peer, other: Endpoint, policyNamespace: string): boolean {
  if (peer.ipBlock) {
    // Whether an ipBlock covers pods' addresses depends on the network plugin (Calico's does):
    // a pod with an address is taken to match, the case that lets the most through.
    if (other.ip === undefined) return false;
    return (
      inCidr(other.ip, peer.ipBlock.cidr) &&
      !(peer.ipBlock.except ?? []).some((c) => inCidr(other.ip!, c))
    );
  }
  if (!other.labels) return false;
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, nsLabels(other))
    : other.namespace === policyNamespace;
  return namespaceOk && selects(peer.podSelector, other.labels);
}

function portMatches(rule: Rule, port: number, receiver: Endpoint): boolean {
  if (!rule.ports || rule.ports.length === 0) return true;
  return rule.ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== 'TCP') return false;
    if (p.port === undefined) return true;
    const number = typeof p.port === 'number' ? p.port : receiver.namedPorts?.[p.port];
    if (number === undefined) return false;
    return p.endPort ? port >= number && port <= p.endPort : port === number;
  });
}

function isolatedBy(policy: K8sObject, end: Endpoint, type: 'Ingress' | 'Egress'): boolean {
  const spec = policy.spec as unknown as PolicySpec;
  const types = spec.policyTypes ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
  return (
    policy.metadata.namespace === end.namespace &&
    !!end.labels &&
    types.includes(type) &&
    selects(spec.podSelector, end.labels)
  );
}

/** One direction: open when no policy isolates the pod, else some rule must allow it. */
function allowedOneWay(
  policies: K8sObject[],
  self: Endpoint,
  other: Endpoint,
  port: number,
  receiver: Endpoint,
  type: 'Ingress' | 'Egress',
): boolean {
  const isolating = policies.filter((p) => isolatedBy(p, self, type));
  if (isolating.length === 0) return true;
  return isolating.some((policy) => {
    const spec = policy.spec as unknown as PolicySpec;
    const rules = (type === 'Ingress' ? spec.ingress : spec.egress) ?? [];
    return rules.some((rule) => {
      const peers = type === 'Ingress' ? rule.from : rule.to;
      const peerOk =
        !peers ||
        peers.length === 0 ||
        peers.some((peer) => peerMatches(peer, other, policy.metadata.namespace!));
      return peerOk && portMatches(rule, port, receiver);
    });
  });
}

/** Whether `from` may open a TCP connection to `to` on `port`, under these NetworkPolicies. */
export function mayConnect(
  policies: K8sObject[],
  from: Endpoint,
  to: Endpoint,
  port: number,
): boolean {
  const netpols = policies.filter((p) => p.kind === 'NetworkPolicy');
  const egress = from.labels ? allowedOneWay(netpols, from, to, port, to, 'Egress') : true;
  const ingress = to.labels ? allowedOneWay(netpols, to, from, port, to, 'Ingress') : true;
  return egress && ingress;
}
