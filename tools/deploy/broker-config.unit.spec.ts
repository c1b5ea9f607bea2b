import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BROKER_SIZING_OPTIONS,
  SHIPPED_MOSQUITTO_ACL,
  SHIPPED_MOSQUITTO_CONF,
  aclUsers,
  mosquittoConfigText,
  readMosquittoOptions,
  shippedBrokerSizing,
} from '@twinlog/testing';
import { loadCompose } from './compose-file';
import { REPO_ROOT } from './entry-points';

// The broker sizing has one truth, deploy/mosquitto/mosquitto.conf: the compose file mounts it,
// the test tooling's mosquitto copies its lines, k8s/README.md documents the same values.
const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const shipped = shippedBrokerSizing(read(SHIPPED_MOSQUITTO_CONF));

/** The options of the first ```conf block under a heading of the page. */
function documentedConf(page: string, heading: string): Map<string, string> {
  const section = page.slice(page.indexOf(heading));
  const block = /```conf\n([\s\S]*?)```/.exec(section);
  if (!section.startsWith(heading) || !block) throw new Error(`no conf block under ${heading}`);
  return readMosquittoOptions(block[1]!);
}

describe('the shipped MQTT broker configuration', () => {
  it('sizes the subscriber queue for minutes at the goal rates, by count and by bytes', () => {
    // 20,000 one-reading messages/s and 100,000 readings/s in ~1 KB messages (10 MB/s).
    expect(Number(shipped.max_queued_messages)).toBeGreaterThanOrEqual(20_000 * 120);
    expect(Number(shipped.max_queued_bytes)).toBeGreaterThanOrEqual(10_000_000 * 120);
    expect(Number(shipped.sys_interval)).toBeGreaterThanOrEqual(1);
    expect(Number(shipped.sys_interval)).toBeLessThanOrEqual(5);
    expect(shipped.persistent_client_expiration).toMatch(/^\d+[dwmy]$/);
    expect(readMosquittoOptions(read(SHIPPED_MOSQUITTO_CONF)).get('persistence')).toBe('true');
  });

  it('is the file docker-compose mounts into its broker', () => {
    const mosquitto = loadCompose().services.find((s) => s.name === 'mosquitto')!;
    expect(mosquitto.volumes).toContain(
      `./${SHIPPED_MOSQUITTO_CONF}:/mosquitto/config/mosquitto.conf:ro`,
    );
  });

  it('is what the test tooling’s mosquitto runs, and a test’s override replaces a line', () => {
    const base = ['listener 1883 127.0.0.1', 'allow_anonymous true'];
    const tooling = readMosquittoOptions(mosquittoConfigText(base));
    for (const name of BROKER_SIZING_OPTIONS)
      expect([name, tooling.get(name)]).toEqual([name, shipped[name]]);
    const tiny = mosquittoConfigText(base, { max_queued_messages: 5, sys_interval: 1 });
    expect(tiny.match(/^max_queued_messages /gm)).toHaveLength(1);
    expect(readMosquittoOptions(tiny).get('max_queued_messages')).toBe('5');
    expect(readMosquittoOptions(tiny).get('max_queued_bytes')).toBe(shipped.max_queued_bytes);
  });

  it('is what k8s/README.md tells a cluster’s broker to set', () => {
    const documented = documentedConf(read('k8s/README.md'), '## The MQTT broker');
    for (const name of BROKER_SIZING_OPTIONS)
      expect([name, documented.get(name)]).toEqual([name, shipped[name]]);
    expect(documented.get('persistence')).toBe('true');
  });

  it('refuses anonymous clients and confines each plant gateway to its own site', () => {
    const options = readMosquittoOptions(read(SHIPPED_MOSQUITTO_CONF));
    expect(options.get('allow_anonymous')).toBe('false');
    const mosquitto = loadCompose().services.find((s) => s.name === 'mosquitto')!;
    expect(mosquitto.volumes).toContain(`./${SHIPPED_MOSQUITTO_ACL}:${options.get('acl_file')}:ro`);
    // docker-compose makes the password file where the configuration reads it.
    expect(JSON.stringify(mosquitto)).toContain(`: > ${options.get('password_file')}`);
    // Each user's block: the lines after `user <name>` up to the next user.
    const acl = read(SHIPPED_MOSQUITTO_ACL);
    const blocks = acl.split(/^user\s+/m).slice(1);
    const rules = Object.fromEntries(
      blocks.map((block) => {
        const [name = '', ...lines] = block.split('\n');
        return [name.trim(), lines.filter((l) => /^(topic|pattern)\s/.test(l))];
      }),
    );
    expect(Object.keys(rules)).toEqual(aclUsers(acl));
    // Nothing granted before the first user line (it would apply to every user).
    expect(acl.split(/^user\s+/m)[0]).not.toMatch(/^(topic|pattern)\s/m);
    const gateways = Object.keys(rules).filter((u) => u.startsWith('gateway-'));
    expect(gateways.length).toBeGreaterThan(0);
    for (const user of gateways)
      expect([user, rules[user]]).toEqual([user, [`topic write plant/${user.slice(8)}/#`]]);
    expect(rules['twinlog-ingestion']!.every((l) => l.startsWith('topic read '))).toBe(true);
  });

  it('names a missing option rather than running a broker without it', () => {
    expect(() => shippedBrokerSizing('listener 1883\nmax_queued_messages 5\n')).toThrow(
      /does not set max_queued_bytes/,
    );
  });
});
