import type { K8sObject } from './k8s-manifests';
import { mayConnect, type Endpoint } from './network-policy';

const policy = (name: string, spec: Record<string, unknown>, namespace = 'app'): K8sObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace },
  spec,
  file: 'test',
});
const pod = (name: string, namespace = 'app', namedPorts?: Record<string, number>): Endpoint => ({
  namespace,
  labels: { app: name },
  ...(namedPorts ? { namedPorts } : {}),
});

describe('mayConnect (NetworkPolicy semantics)', () => {
  const denyAll = policy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  const web = pod('web', 'app', { http: 8080 });
  const api = pod('api', 'app', { http: 9000 });
  const webToApi = policy('web-out', {
    podSelector: { matchLabels: { app: 'web' } },
    policyTypes: ['Egress'],
    egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 9000 }] }],
  });
  const apiFromWeb = policy('api-in', {
    podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api', 'db'] }] },
    policyTypes: ['Ingress'],
    ingress: [
      { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http' }] },
    ],
  });

  it('leaves pods no policy selects open, and closes them under a default deny', () => {
    expect(mayConnect([], web, api, 9000)).toBe(true);
    expect(mayConnect([denyAll], web, api, 9000)).toBe(false);
  });

  it('needs the sender’s egress and the receiver’s ingress, on the port (named ones too)', () => {
    expect(mayConnect([denyAll, webToApi], web, api, 9000)).toBe(false);
    expect(mayConnect([denyAll, apiFromWeb], web, api, 9000)).toBe(false);
    expect(mayConnect([denyAll, webToApi, apiFromWeb], web, api, 9000)).toBe(true);
    expect(mayConnect([denyAll, webToApi, apiFromWeb], web, api, 9001)).toBe(false);
    expect(mayConnect([denyAll, webToApi, apiFromWeb], api, web, 8080)).toBe(false);
  });

  it('reads a podSelector without a namespaceSelector as the policy’s own namespace', () => {
    const elsewhere = pod('api', 'other', { http: 9000 });
    expect(mayConnect([denyAll, webToApi], web, elsewhere, 9000)).toBe(false);
    const toOther = policy('out', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } },
              podSelector: { matchLabels: { app: 'api' } },
            },
          ],
        },
      ],
    });
    expect(mayConnect([denyAll, toOther], web, elsewhere, 9000)).toBe(true);
    expect(mayConnect([denyAll, toOther], web, pod('db', 'other'), 9000)).toBe(false);
  });

  it('matches addresses outside the cluster by ipBlock, minus its exceptions', () => {
    const out = policy('https', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }],
          ports: [{ port: 443 }],
        },
      ],
    });
    const internet: Endpoint = { namespace: '', ip: '93.184.216.34' };
    expect(mayConnect([denyAll, out], web, internet, 443)).toBe(true);
    expect(mayConnect([denyAll, out], web, { namespace: '', ip: '10.1.2.3' }, 443)).toBe(false);
    expect(mayConnect([denyAll, out], web, internet, 80)).toBe(false);
    // A pod without an address is not matched; with one, it is (as Calico does).
    expect(mayConnect([denyAll, out], web, api, 443)).toBe(false);
    const elsewhere = { ...pod('api', 'other'), ip: '192.168.1.7' };
    expect(mayConnect([denyAll, out], web, elsewhere, 443)).toBe(true);
    expect(mayConnect([denyAll, out], web, { ...elsewhere, ip: '10.1.2.3' }, 443)).toBe(false);
  });
});
