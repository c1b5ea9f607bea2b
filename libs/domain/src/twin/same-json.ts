import { canonical } from '../health/state-diff';

/** Equal as JSON, whatever the key order (the limits and maintenance a client resends). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
