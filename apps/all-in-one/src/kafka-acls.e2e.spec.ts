import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  logLevel,
  ResourcePatternTypes,
  type Admin,
} from 'kafkajs';
import { parseAllDocuments } from 'yaml';
import { topicNames, topicSpecs } from '@twinlog/event-log';
import { eventually } from '@twinlog/event-log/testing';
import { realServer, repoRoot } from '@twinlog/testing';
import { startService, topologyEnv, type ServiceName } from './testing/fault-rig';

// The Kafka logins of the production manifests (k8s/kafka/users.yaml) on the real broker, whose
// authorizer applies ACLs (tools/infra/kafka/server.properties.template): each service runs on
// the SASL listener with only the ACLs of its KafkaUser, and starts, takes its requests and
// logs no authorization error. A service whose code needs more than its KafkaUser allows fails
// here, not in a plant's cluster.

const USERS = join(repoRoot(), 'k8s', 'kafka', 'users.yaml');
/** The prefix the manifests' topics and groups carry. */
const MANIFEST_PREFIX = 'twinlog.';

interface Acl {
  resource: { type: string; name?: string; patternType?: string };
  operations: string[];
}

function aclsOf(role: string): Acl[] {
  const user = parseAllDocuments(readFileSync(USERS, 'utf8'))
    .map(
      (d) => d.toJS() as { metadata: { name: string }; spec: { authorization: { acls: Acl[] } } },
    )
    .find((u) => u.metadata.name === `twinlog-${role}`);
  if (!user) throw new Error(`k8s/kafka/users.yaml has no KafkaUser twinlog-${role}`);
  return user.spec.authorization.acls;
}

const OPERATION: Record<string, AclOperationTypes> = {
  Read: AclOperationTypes.READ,
  Write: AclOperationTypes.WRITE,
  Create: AclOperationTypes.CREATE,
  Delete: AclOperationTypes.DELETE,
  Describe: AclOperationTypes.DESCRIBE,
  IdempotentWrite: AclOperationTypes.IDEMPOTENT_WRITE,
  All: AclOperationTypes.ALL,
};
const RESOURCE: Record<string, AclResourceTypes> = {
  topic: AclResourceTypes.TOPIC,
  group: AclResourceTypes.GROUP,
  cluster: AclResourceTypes.CLUSTER,
  transactionalId: AclResourceTypes.TRANSACTIONAL_ID,
};

// Each case starts a service process (up to 3 minutes on a loaded machine).
jest.setTimeout(300_000);

describe('each service with only its KafkaUser’s ACLs (k8s/kafka/users.yaml), on the real broker', () => {
  const kafka = realServer('kafka');
  const influx = realServer('influx');
  const secured = kafka.secured;
  const principal = `User:${secured?.username}`;
  // This run's installation: the manifests' names with its own prefix.
  const prefix = `acl-${randomUUID().slice(0, 8)}.`;
  const TWIN = `acl-mill-${randomUUID().slice(0, 8)}`;
  const adminKey = `twl_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`;
  const keyFile = join(mkdtempSync(join(tmpdir(), 'acl-key-')), 'admin.key');
  const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
  let admin: Admin;

  const grant = async (acls: Acl[]) => {
    await admin.createAcls({
      acl: acls.flatMap((acl) =>
        acl.operations.map((operation) => ({
          resourceType: RESOURCE[acl.resource.type]!,
          resourceName:
            acl.resource.type === 'cluster'
              ? 'kafka-cluster'
              : acl.resource.name!.replace(MANIFEST_PREFIX, prefix),
          resourcePatternType:
            acl.resource.patternType === 'prefix'
              ? ResourcePatternTypes.PREFIXED
              : ResourcePatternTypes.LITERAL,
          principal,
          host: '*',
          operation: OPERATION[operation]!,
          permissionType: AclPermissionTypes.ALLOW,
        })),
      ),
    });
  };
  const revokeAll = () =>
    admin.deleteAcls({
      filters: [
        {
          resourceType: AclResourceTypes.ANY,
          resourcePatternType: ResourcePatternTypes.ANY,
          principal,
          host: '*',
          operation: AclOperationTypes.ANY,
          permissionType: AclPermissionTypes.ANY,
        },
      ],
    });

  /**
   * The broker lets anyone use a resource no ACL names (allow.everyone.if.no.acl.found, so the
   * other tests' topics stay open): an ACL of a principal that never connects, on this
   * installation's names, makes every one of them need an ACL of its own.
   */
  // The index and reader groups are not per installation (twinlog-index-, twinlog-reader-): while
  // this file runs, another spec logging in as the same SASL user would need ACLs for them too.
  // Jest runs the files one at a time on this 2-core machine.
  const FENCE = 'User:twinlog-acl-fence';
  const fences = () =>
    [
      [AclResourceTypes.TOPIC, prefix],
      [AclResourceTypes.GROUP, prefix],
      [AclResourceTypes.GROUP, 'twinlog-index-'],
      [AclResourceTypes.GROUP, 'twinlog-reader-'],
      [AclResourceTypes.TRANSACTIONAL_ID, prefix, AclOperationTypes.DESCRIBE],
    ].map(([resourceType, resourceName, operation]) => ({
      resourceType: resourceType as AclResourceTypes,
      resourceName: resourceName as string,
      resourcePatternType: ResourcePatternTypes.PREFIXED,
      principal: FENCE,
      host: '*',
      operation: (operation as AclOperationTypes | undefined) ?? AclOperationTypes.READ,
      permissionType: AclPermissionTypes.ALLOW,
    }));

  /** Runs a service as the SASL user with its role's ACLs only; `work` exercises it. */
  const asItsUser = async (
    role: ServiceName,
    work: (url: string) => Promise<void>,
    settings: Record<string, string> = {},
  ) => {
    // Whatever fails, the service stops and its ACLs go: the next role starts from none.
    let service: Awaited<ReturnType<typeof startService>> | undefined;
    try {
      await grant(aclsOf(role));
      service = await startService(role, {
        ...topologyEnv({ kafka: { brokers: secured!.saslBrokers }, influx }, prefix),
        TWINLOG_AUTH: 'on',
        TWINLOG_BOOTSTRAP_ADMIN_KEY_FILE: keyFile,
        TWINLOG_KAFKA_SASL_MECHANISM: 'scram-sha-512',
        TWINLOG_KAFKA_USERNAME: secured!.username,
        TWINLOG_KAFKA_PASSWORD: secured!.password,
        KAFKA_CLIENT_LOG_LEVEL: 'error',
        ...(role === 'alerting' ? { ALERTING_SECRET_KEY: randomBytes(32).toString('hex') } : {}),
        ...settings,
      });
      await work(service.url);
      expect([role, /AUTHORIZATION_FAILED|not authorized/i.exec(service.output())?.[0]]).toEqual([
        role,
        undefined,
      ]);
    } finally {
      await service?.stop();
      await revokeAll();
    }
  };

  beforeAll(async () => {
    if (!secured) throw new Error('the test broker has no SASL listener (tools/infra/kafka)');
    writeFileSync(keyFile, adminKey, { mode: 0o600 });
    admin = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await revokeAll();
    await admin.createAcls({ acl: fences() });
    // Strimzi makes the topics (k8s/kafka/topics.yaml); the services may not create them.
    await admin.createTopics({
      topics: topicSpecs(topicNames(prefix), 3, 1),
      waitForLeaders: true,
    });
  });
  afterAll(async () => {
    await revokeAll().catch(() => undefined);
    await admin?.deleteAcls({ filters: fences() }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('enforces them: a login may not write a topic its KafkaUser does not allow', async () => {
    // anomaly reads telemetry but never writes it.
    await grant(aclsOf('anomaly'));
    const producer = new Kafka({
      brokers: secured!.saslBrokers,
      sasl: {
        mechanism: 'scram-sha-512',
        username: secured!.username,
        password: secured!.password,
      },
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).producer({ allowAutoTopicCreation: false });
    try {
      await producer.connect();
      await expect(
        producer.send({
          topic: topicNames(prefix).stream.telemetry,
          messages: [{ key: TWIN, value: '{}' }],
        }),
      ).rejects.toThrow(/not authorized|TOPIC_AUTHORIZATION_FAILED/i);
      // Its own: twin-events (once the broker has applied the new ACLs).
      await eventually(
        () =>
          producer
            .send({
              topic: topicNames(prefix).stream['twin-events'],
              messages: [{ key: `acl-probe-${randomUUID()}`, value: '{}' }],
            })
            .then(
              () => true,
              () => false,
            ),
        'a write its user may make',
      );
    } finally {
      await producer.disconnect();
      await revokeAll();
    }
  });

  it('twin-state: starts as a replica that shares the partitions (as deployed), records the bootstrap key and takes a command', async () => {
    await asItsUser(
      'twin-state',
      async (url) => {
        const registered = await fetch(`${url}/v1/twins`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            twinId: TWIN,
            twinType: 'cnc-milling-machine',
            commissionedAt: new Date(Date.now() - 86_400_000).toISOString(),
          }),
        });
        expect(registered.status).toBe(201);
        // The live state follows the log: the twin shows once its event is read back.
        await eventually(
          async () => (await fetch(`${url}/v1/twins/${TWIN}`, { headers })).status === 200,
          'the twin in the live state',
        );
      },
      // The manifests run twin-state's replicas in a group (k8s/base/twin-state.yaml).
      { TWIN_STATE_REPLICAS: 'shared' },
    );
  });

  it('ingestion: starts, knows the twin and takes readings', async () => {
    await asItsUser('ingestion', async (url) => {
      let answer: Response | undefined;
      await eventually(async () => {
        answer = await fetch(`${url}/v1/readings`, {
          method: 'POST',
          headers,
          body: JSON.stringify([
            { twinId: TWIN, property: 'temperature', value: 41.5, time: new Date().toISOString() },
          ]),
        });
        return answer.status === 200;
      }, 'the twin known to ingestion');
      expect(await answer!.json()).toMatchObject({ accepted: 1 });
    });
  });

  it.each<[ServiceName, string]>([
    ['anomaly', '/v1/worker'],
    ['maintenance', `/v1/twins/${TWIN}/maintenance`],
    ['alerting', '/v1/alerts'],
  ])('%s: starts, joins its groups and answers %s', async (role, path) => {
    await asItsUser(role, async (url) => {
      expect((await fetch(`${url}/health/ready`)).status).toBe(200);
      await eventually(
        async () => (await fetch(`${url}${path}`, { headers })).status === 200,
        `${role} answering ${path}`,
      );
    });
  });

  it('simulation: starts, runs a what-if on the twin and shares its job', async () => {
    await asItsUser('simulation', async (url) => {
      let run: Response | undefined;
      await eventually(async () => {
        run = await fetch(`${url}/v1/simulations?async=true`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ twinId: TWIN, horizon: '10m' }),
        });
        return run.status === 202;
      }, 'a run accepted (the index caught up)');
      const { simulationId } = (await run!.json()) as { simulationId: string };
      await eventually(async () => {
        const job = await fetch(`${url}/v1/simulations/${simulationId}`, { headers });
        return ((await job.json()) as { status: string }).status === 'completed';
      }, 'the job completed');
    });
  });
});
