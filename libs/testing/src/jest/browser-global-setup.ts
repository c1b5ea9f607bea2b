import { ensureChromium } from '../browser/ensure-chromium';

/**
 * Jest global setup for the browser project: Debian's chromium, installed once per machine
 * where it is missing, before any spec runs; a machine that cannot have it fails the run here
 * with the command to run by hand (the browser specs never skip).
 */
export default function browserGlobalSetup(): void {
  process.stderr.write('\n[browser] checking for Debian chromium (/usr/bin/chromium)...\n');
  ensureChromium();
}
