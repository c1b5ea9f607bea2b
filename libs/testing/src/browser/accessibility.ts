import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { AxeResults, ImpactValue } from 'axe-core';

export interface Violation {
  id: string;
  impact: ImpactValue | undefined;
  help: string;
  helpUrl: string;
  /** CSS selectors of the offending elements (the first few). */
  targets: string[];
}

const BLOCKING: ReadonlySet<ImpactValue> = new Set(['serious', 'critical']);
let axeSource: string | undefined;

/**
 * Runs axe-core on the page as it is now and returns every violation; throws, with a readable
 * list, when any is serious or critical. axe's source is evaluated through the DevTools
 * protocol, so the dashboard's strict CSP (no inline scripts) stays on during the check.
 */
export async function checkAccessibility(page: Page): Promise<Violation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Strings, not functions: this library is compiled without the DOM's types.
  if (!(await page.evaluate("typeof window.axe === 'object'"))) await page.evaluate(axeSource);
  const results = (await page.evaluate(
    "window.axe.run(document, { resultTypes: ['violations'] })",
  )) as AxeResults;
  const violations = results.violations.map((v): Violation => ({
    id: v.id,
    impact: v.impact ?? undefined,
    help: v.help,
    helpUrl: v.helpUrl,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
  }));
  const blocking = violations.filter((v) => v.impact && BLOCKING.has(v.impact));
  if (blocking.length > 0)
    throw new Error(
      `axe-core found ${blocking.length} serious or critical accessibility violation(s) on ${page.url()}:\n${describeViolations(blocking)}`,
    );
  return violations;
}

/** One line per violation, then its elements: what a developer reads to fix it. */
export function describeViolations(violations: readonly Violation[]): string {
  return violations
    .flatMap((v) => [
      `  - [${v.impact ?? 'unknown'}] ${v.id}: ${v.help} (${v.helpUrl})`,
      ...v.targets.map((t) => `      at ${t}`),
    ])
    .join('\n');
}
