import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './entry-points';

const VALIDATOR = join(REPO_ROOT, 'tools', 'deploy', 'validate-k8s.mjs');

/** Runs the validator (a plain ES module: the schema packages are ES modules only). */
function validate(args: string[], input?: string) {
  const run = spawnSync(process.execPath, [VALIDATOR, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    ...(input === undefined ? {} : { input }),
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

// The overlays themselves are built and validated in k8s-overlays.deploy.spec.ts.
describe('the offline validator of Kubernetes objects (validate-k8s.mjs)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'k8s-schemas-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names a field of the wrong type and a kind it has no schema for, and exits 1', () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(
      broken,
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: { name: twin-state }',
        'spec:',
        '  replicas: two',
        '  selector: { matchLabels: { app: twin-state } }',
        '  template: { spec: { containers: [{ name: twin-state, image: twinlog }] } }',
        '---',
        'apiVersion: kafka.strimzi.io/v1',
        'kind: KafkaUser',
        'metadata: { name: twinlog-anomaly }',
        'spec:',
        '  authorization:',
        '    type: simple',
        '    acls: [{ resource: { type: topic, name: t }, operations: [Reed] }]',
        '---',
        'apiVersion: example.com/v1',
        'kind: Widget',
        'metadata: { name: w }',
      ].join('\n'),
    );
    const run = validate([broken]);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(
      /^INVALID: Deployment twin-state .*\n {2}.*spec\/replicas must be integer/m,
    );
    expect(run.out).toMatch(
      /^INVALID: Widget w .*\n {2}no schema for apiVersion example\.com\/v1/m,
    );
    expect(run.out).toMatch(
      /^INVALID: KafkaUser twinlog-anomaly .*\n {2}.*acls\/0\/operations\/0 must be equal to one of the allowed values/m,
    );
    expect(run.out).toContain('3 objects, 3 invalid');
  });

  it('reads what a build prints from standard input, and refuses an empty one', () => {
    const good = validate(['-'], 'apiVersion: v1\nkind: Namespace\nmetadata: { name: plant-a }\n');
    expect(good.out).toContain('1 objects, 0 invalid');
    expect(good.code).toBe(0);
    expect(validate(['-'], '').code).toBe(1);
  });
});
