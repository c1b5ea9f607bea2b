import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cache-dir';
import { readMosquittoOptions } from './mosquitto-sizing';

/** The ACL Twinlog ships beside its broker configuration: who may publish and read what. */
export const SHIPPED_MOSQUITTO_ACL = join('deploy', 'mosquitto', 'acl');

/**
 * The test run's own user: reads and writes everything, as the anonymous broker let every test
 * before the broker had users. MQTT_URL logs in as it; tests of the ACL log in as the shipped
 * users (ingestion, the gateways), whose passwords MqttSettings.users carries.
 */
export const MQTT_TEST_USER = 'twinlog-test';

/** What a test broker needs to run with the shipped authentication. */
export interface MosquittoAuth {
  /** mosquitto.conf lines (the files are written by the caller at these paths). */
  configLines: string[];
  passwordFileText: string;
  aclText: string;
  /** Every user and its password, the test user's included. */
  users: Record<string, string>;
}

/**
 * Authentication as the shipped broker has it (`allow_anonymous false`, the shipped ACL), each
 * of its users with a fresh random password, plus the test user. `dir` is where the broker
 * will find the password and ACL files.
 */
export function mosquittoAuth(dir: string): MosquittoAuth {
  const shippedConf = readMosquittoOptions(
    readFileSync(join(repoRoot(), 'deploy', 'mosquitto', 'mosquitto.conf'), 'utf8'),
  );
  if (shippedConf.get('allow_anonymous') !== 'false')
    throw new Error('deploy/mosquitto/mosquitto.conf must say allow_anonymous false');
  const shippedAcl = readFileSync(join(repoRoot(), SHIPPED_MOSQUITTO_ACL), 'utf8');
  const names = [...aclUsers(shippedAcl), MQTT_TEST_USER];
  const users = Object.fromEntries(names.map((name) => [name, randomBytes(12).toString('hex')]));
  const passwordFile = join(dir, 'mosquitto-passwd');
  const aclFile = join(dir, 'mosquitto-acl');
  return {
    configLines: ['allow_anonymous false', `password_file ${passwordFile}`, `acl_file ${aclFile}`],
    passwordFileText: Object.entries(users)
      .map(([name, password]) => mosquittoPasswordLine(name, password))
      .join('\n')
      .concat('\n'),
    aclText: `${shippedAcl}\n# The test run's own user (libs/testing).\nuser ${MQTT_TEST_USER}\ntopic readwrite #\ntopic read $SYS/#\n`,
    users,
  };
}

/** The users an ACL file names (`user <name>` lines). */
export function aclUsers(text: string): string[] {
  return text
    .split('\n')
    .map((line) => /^\s*user\s+(\S+)\s*$/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

/**
 * One line of a mosquitto 2 password file, as `mosquitto_passwd` writes it: PBKDF2-SHA512,
 * 101 iterations, a 12-byte salt, `user:$7$101$<salt>$<hash>` in base64. Made here so the test
 * tooling needs no second program (and spawns none).
 */
export function mosquittoPasswordLine(
  user: string,
  password: string,
  salt: Buffer = randomBytes(12),
): string {
  const hash = pbkdf2Sync(password, salt, 101, 64, 'sha512');
  return `${user}:$7$101$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** `url` logging in as `user` with `password` (percent-encoded, as MQTT_URL carries them). */
export function mqttUrlAs(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString().replace(/\/$/, '');
}
