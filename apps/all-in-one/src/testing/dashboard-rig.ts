import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { freePort, startBrowser, type PageOptions, type TestBrowser } from '@twinlog/testing';
import { startTwinlogProcess, type TwinlogProcess } from './twinlog-process';

/** Where the dashboard keeps the tab's credential (apps/dashboard/src/api/credentials.ts). */
export const CREDENTIAL_KEY = 'twinlog.credential';

export interface DashboardRig {
  /** The one port: the dashboard at `/`, the API under `/v1`. */
  url: string;
  /** The first admin key `npm start` made. */
  adminKey: string;
  twinlog: TwinlogProcess;
  browser: TestBrowser;
  /** A dashboard page at `path`, signed in with `apiKey` (the admin's by default) unless `signedIn: false`. */
  open(
    path: string,
    options?: PageOptions & { apiKey?: string; signedIn?: boolean },
  ): Promise<Page>;
  /** An API call with the admin key (or `apiKey`), JSON in and out. */
  api<T = unknown>(
    path: string,
    init?: { method?: string; body?: unknown; apiKey?: string },
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/**
 * `npm start` as a user runs it (embedded, authentication on, the plant simulator feeding the
 * demo plant, the dashboard built if stale) and Debian's chromium: one of each for a browser
 * spec file.
 */
export async function startDashboardRig(
  options: {
    simulatorSpeed?: number;
    env?: Record<string, string>;
    /** A local OpenAI-compatible server (libs/testing): AI is on, asking it (docs/ai.md). */
    ai?: { baseUrl: string };
  } = {},
): Promise<DashboardRig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'twinlog-dashboard-'));
  const twinlog = await startTwinlogProcess(
    {
      TWINLOG_MODE: 'embedded',
      TWINLOG_DATA_DIR: dataDir,
      TWINLOG_HTTP_PORT: String(await freePort()),
      TWINLOG_SIMULATOR_SPEED: String(options.simulatorSpeed ?? 10),
      ...(options.ai ? aiEnv(options.ai.baseUrl) : {}),
      ...options.env,
    },
    180_000,
  );
  let browser: TestBrowser | undefined;
  try {
    const adminKey = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
    browser = await startBrowser();
    const started = browser;
    const api: DashboardRig['api'] = async (path, init = {}) => {
      const answer = await fetch(`${twinlog.url}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
          'x-api-key': init.apiKey ?? adminKey,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      const text = await answer.text();
      return { status: answer.status, body: (text ? JSON.parse(text) : undefined) as never };
    };
    return {
      url: twinlog.url,
      adminKey,
      twinlog,
      browser: started,
      api,
      open: (path, { apiKey, signedIn = true, ...pageOptions } = {}) =>
        started.openPage(`${twinlog.url}${path}`, {
          ...pageOptions,
          sessionStorage: signedIn
            ? {
                [CREDENTIAL_KEY]: JSON.stringify({ kind: 'api-key', value: apiKey ?? adminKey }),
                ...pageOptions.sessionStorage,
              }
            : (pageOptions.sessionStorage ?? {}),
        }),
      close: async () => {
        await started.close().catch(() => undefined);
        await twinlog.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await twinlog.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The model the rig's services ask, and a key that is only a test's. */
export const RIG_AI_MODEL = 'local-llama';
function aiEnv(baseUrl: string): Record<string, string> {
  return {
    OPENAI_BASE_URL: baseUrl,
    OPENAI_API_KEY: 'sk-dashboard-rig-only',
    TWINLOG_AI_MODEL: RIG_AI_MODEL,
  };
}
