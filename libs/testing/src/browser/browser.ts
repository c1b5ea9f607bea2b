import { chromium, type Browser, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../infra/cache-dir';
import { CHROMIUM, ensureChromium } from './ensure-chromium';

/**
 * Headless, and quiet on the network: no sandbox (the tests may run as root), no GPU, no
 * QUIC, no first-run, sync, component-update or background requests; pages reach 127.0.0.1 only.
 */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export interface Viewport {
  width: number;
  height: number;
}
export const DESKTOP: Viewport = { width: 1280, height: 800 };
export const TABLET: Viewport = { width: 768, height: 1024 };

export interface PageOptions {
  viewport?: Viewport;
  /** Put in the page's sessionStorage before its scripts run (a signed-in tab, for example). */
  sessionStorage?: Record<string, string>;
}

export interface TestBrowser {
  browser: Browser;
  /**
   * A page in a context of its own (no storage shared with other pages) at `url`, loaded.
   * Uncaught page errors and the console's refusals (a CSP's "Refused to …") are kept:
   * `pageErrors(page)`.
   */
  openPage(url: string, options?: PageOptions): Promise<Page>;
  close(): Promise<void>;
}

const errorsOf = new WeakMap<Page, string[]>();

/**
 * Debian's chromium driven by playwright-core, installed first where it is missing (so a
 * missing browser fails loudly, never skips). playwright gives every launch a fresh temporary
 * profile (`--user-data-dir`), deleted when the browser closes.
 */
export async function startBrowser(
  options: { executablePath?: string } = {},
): Promise<TestBrowser> {
  const executablePath = ensureChromium({ path: options.executablePath ?? CHROMIUM });
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_FLAGS],
    timeout: 60_000,
  });
  return {
    browser,
    openPage: async (url, { viewport = DESKTOP, sessionStorage = {} } = {}) => {
      const context = await browser.newContext({ viewport });
      const entries = Object.entries(sessionStorage);
      if (entries.length > 0)
        await context.addInitScript({
          content: entries
            .map(([k, v]) => `sessionStorage.setItem(${JSON.stringify(k)}, ${JSON.stringify(v)});`)
            .join('\n'),
        });
      const page = await context.newPage();
      const errors: string[] = [];
      errorsOf.set(page, errors);
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (isRefusal(message.type(), message.text())) errors.push(message.text());
      });
      page.on('close', () => void context.close().catch(() => undefined));
      await page.goto(url, { waitUntil: 'load' });
      return page;
    },
    close: async () => {
      await Promise.all(browser.contexts().map((c) => c.close().catch(() => undefined)));
      await browser.close();
    },
  };
}

/**
 * A console error that is the browser refusing something the page asked for under its content
 * security policy, which never reaches the page's own scripts: "Refused to load / execute /
 * apply …" (older chromium) or "… violates the following Content Security Policy directive …".
 */
export function isRefusal(type: string, text: string): boolean {
  return (
    type === 'error' &&
    (/^Refused to /.test(text) || /violates the following Content Security Policy/.test(text))
  );
}

/** The uncaught errors the page's scripts threw, and the refusals, since it was opened. */
export function pageErrors(page: Page): readonly string[] {
  return errorsOf.get(page) ?? [];
}

/** Where screenshots and other browser-test artifacts go (gitignored). */
export function artifactsDir(): string {
  const dir = join(repoRoot(), 'tmp', 'artifacts', 'dashboard');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A full-page PNG of the page as a test artifact; returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const file = join(artifactsDir(), `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
