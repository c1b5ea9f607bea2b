import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Inject, Injectable } from '@nestjs/common';
import { AI_ASSISTANT, type Assistant } from '@twinlog/ai';
import type { EventEnvelope } from '@twinlog/domain';
import { eventually, registered } from '@twinlog/event-log/testing';
import { readAuthSettings } from '../auth/auth.config';
import { readServiceConfig } from '../config/service.config';
import { AllowedHosts } from '../http/allowed-hosts';
import { openInfrastructure, type Infrastructure } from '../open-infrastructure';
import { TELEMETRY_STORE } from './ports';
import { follow, type ServiceDefinition } from './service-definition';
import { startService, type RunningService } from './start-service';

// The one service host, on the embedded log: readiness while read models replay, the follow
// feed after the replay, the guard, and a failed start that stops what it started.

jest.setTimeout(60_000);

/** A read model whose restore waits until the test opens the gate. */
@Injectable()
class SeenTwins {
  readonly ids: string[] = [];
  gate = Promise.resolve();
  apply(events: readonly EventEnvelope[]): void {
    for (const e of events) if (!this.ids.includes(e.twinId)) this.ids.push(e.twinId);
  }
}

@Controller('v1/seen')
class SeenHttpController {
  constructor(@Inject(SeenTwins) private readonly seen: SeenTwins) {}
  @Get()
  list(): string[] {
    return this.seen.ids;
  }
}

let infra: Infrastructure;
const running: RunningService[] = [];

beforeEach(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'twinlog-host-'));
  infra = await openInfrastructure(readServiceConfig({ TWINLOG_DATA_DIR: dataDir }), {
    service: 'host-test',
    store: false,
  });
});
afterEach(async () => {
  for (const service of running.splice(0)) await service.close().catch(() => undefined);
  await infra.close();
});

function definition(overrides: Partial<ServiceDefinition> = {}): ServiceDefinition {
  return {
    name: 'host-test',
    http: {
      host: '127.0.0.1',
      port: 0,
      timeouts: {
        headersTimeoutMs: 10_000,
        requestTimeoutMs: 10_000,
        keepAliveTimeoutMs: 5_000,
        idleTimeoutMs: 10_000,
      },
      // The host's authentication has its own spec (auth/authentication.int.spec.ts).
      auth: readAuthSettings({ TWINLOG_AUTH: 'off' }),
      allowedHosts: AllowedHosts.loopback,
    },
    usesStore: false,
    controllers: [SeenHttpController],
    providers: [SeenTwins],
    follows: [
      follow({
        what: 'seen twins',
        model: SeenTwins,
        streams: ['twin-events'],
        group: 'host-test-seen',
        restore: async (seen) => {
          await seen.gate;
          return undefined;
        },
        fold: (seen, batch) => seen.apply(batch.map((r) => r.event)),
      }),
    ],
    readyDetails: (get) => ({ seen: get(SeenTwins).ids.length }),
    ...overrides,
  };
}

/** Starts the service with its replay held until `release` is called. */
async function startHeld(overrides: Partial<ServiceDefinition> = {}) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const held = definition({
    ...overrides,
    providers: [{ provide: SeenTwins, useFactory: () => Object.assign(new SeenTwins(), { gate }) }],
  });
  const starting = startService(held, infra, false);
  return { starting, release };
}

/** A port nothing listens on: the service must listen before its start resolves. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function get(url: string) {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('startService', () => {
  it('listens at once, answers not ready while the replay runs, then follows the log from where it ended', async () => {
    await infra.log.append([registered('before-1'), registered('before-2')]);
    const port = await freePort();
    const { starting, release } = await startHeld({
      http: { ...definition().http, port },
    });
    await eventually(
      async () =>
        (await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => undefined))?.status ===
        200,
      'live',
    );
    const early = await get(`http://127.0.0.1:${port}/health/ready`);
    expect(early.status).toBe(503);
    expect(early.body).toMatchObject({
      error: {
        code: 'NOT_READY',
        details: { waitingFor: ['replaying twin-events into the seen twins'] },
      },
    });
    // Not refusing until ready: other routes answer from what is there.
    expect((await get(`http://127.0.0.1:${port}/v1/seen`)).body).toEqual([]);

    await infra.log.append([registered('during')]);
    release();
    const service = await starting;
    running.push(service);
    expect(await get(`${service.url}/health/ready`)).toEqual({
      status: 200,
      body: { status: 'ready', seen: 3 },
    });

    await infra.log.append([registered('after')]);
    await eventually(
      async () => ((await get(`${service.url}/v1/seen`)).body as unknown as string[]).length === 4,
      'the feed delivers what came after the replay',
    );
    expect((await get(`${service.url}/v1/seen`)).body).toEqual([
      'before-1',
      'before-2',
      'during',
      'after',
    ]);
  });

  it('refuses every route but the probes until ready when asked to', async () => {
    const port = await freePort();
    const { starting, release } = await startHeld({
      http: { ...definition().http, port },
      refuseUntilReady: true,
    });
    await eventually(
      async () =>
        (await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => undefined))?.status ===
        200,
      'live',
    );
    const refused = await fetch(`http://127.0.0.1:${port}/v1/seen`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    release();
    const service = await starting;
    running.push(service);
    expect((await get(`${service.url}/v1/seen`)).status).toBe(200);
  });

  it('a failed start stops what it started, after every other step ended, and rejects with the cause', async () => {
    const order: string[] = [];
    const slow = definition({
      prepare: [
        {
          what: 'failing step',
          run: async () => {
            order.push('failed');
            throw new Error('window could not be read');
          },
        },
        {
          what: 'slow step',
          run: async () => {
            await new Promise((r) => setTimeout(r, 300));
            order.push('slow ended');
          },
        },
      ],
      stopping: async () => {
        order.push('stopping');
      },
    });
    await expect(startService(slow, infra, false)).rejects.toThrow('window could not be read');
    expect(order).toEqual(['failed', 'slow ended', 'stopping']);
  });

  it('a wiring mistake rejects instead of ending the process', async () => {
    @Injectable()
    class NeedsStore {
      constructor(@Inject(TELEMETRY_STORE) readonly store: unknown) {}
    }
    const exit = jest.spyOn(process, 'exit').mockImplementation(() => {
      throw new Error('process.exit called');
    });
    try {
      await expect(
        startService(definition({ providers: [SeenTwins, NeedsStore] }), infra, false),
      ).rejects.toThrow(/TELEMETRY_STORE|TelemetryStore|dependencies/);
      expect(exit).not.toHaveBeenCalled();
    } finally {
      exit.mockRestore();
    }
  });

  it('a service that uses the store and is given none says so', async () => {
    await expect(startService(definition({ usesStore: true }), infra, false)).rejects.toThrow(
      'the host-test service needs the telemetry store, and none was opened',
    );
  });

  it("a service that uses AI is handed the process's assistant under AI_ASSISTANT; given none, says so", async () => {
    @Injectable()
    class NeedsAi {
      constructor(@Inject(AI_ASSISTANT) readonly assistant: Assistant) {}
    }
    const service = await startService(
      definition({ usesAi: true, providers: [SeenTwins, NeedsAi] }),
      infra,
      false,
    );
    running.push(service);
    expect(service.app.get(NeedsAi).assistant).toBe(infra.ai);
    expect(infra.ai!.status()).toMatchObject({ enabled: false });
    const { ai: _ai, ...withoutAi } = infra;
    await expect(
      startService(definition({ usesAi: true }), withoutAi as Infrastructure, false),
    ).rejects.toThrow('the host-test service needs the AI assistant, and none was opened');
  });

  it('a service that does not say usesAi cannot inject the assistant', async () => {
    @Injectable()
    class NeedsAi {
      constructor(@Inject(AI_ASSISTANT) readonly assistant: Assistant) {}
    }
    await expect(
      startService(definition({ providers: [SeenTwins, NeedsAi] }), infra, false),
    ).rejects.toThrow(/AiAssistant|dependencies/);
  });
});
