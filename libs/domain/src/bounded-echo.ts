/**
 * What an error may repeat of its input. A refusal names the problem and shows enough of the
 * input to find it, never the whole of it: a 1 MB twin id or a deeply nested value would
 * otherwise come back in the answer, the dead letter's reason and the log, once per reading.
 */
export const ECHO_LIMITS = {
  /** Characters of one quoted input (an id, a name, a value) in a message. */
  excerpt: 80,
  /** Characters of a whole message. */
  message: 1_000,
  /** Characters of one string inside details. */
  detailString: 200,
  /** Entries of one array or object inside details. */
  detailEntries: 20,
  /** Nesting inside details. */
  detailDepth: 4,
  /** Characters all of details' strings and keys may take together. */
  detailBudget: 2_000,
} as const;

/** `text` cut to `max` characters, saying how much was left out. */
export function bounded(text: string, max: number = ECHO_LIMITS.excerpt): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}…(${text.length - max} more characters)`;
}

/** Any input as a short quotable text (JSON where it can be), for a message. */
export function excerpt(value: unknown, max: number = ECHO_LIMITS.excerpt): string {
  if (typeof value === 'string') return JSON.stringify(bounded(value, max));
  // JSON writes Infinity and NaN as null: a message must say what the number was.
  if (typeof value === 'number') return bounded(String(value), max);
  let text: string;
  try {
    text = JSON.stringify(boundedValue(value, { left: max * 2 })) ?? String(value);
  } catch {
    text = String(value);
  }
  return bounded(text, max);
}

/**
 * A copy of `value` within the details limits: long strings cut, long arrays and objects cut
 * to their first entries, deep nesting replaced by a marker, and a total budget for the rest.
 */
export function boundedValue(
  value: unknown,
  budget: { left: number } = { left: ECHO_LIMITS.detailBudget },
  depth = 0,
): unknown {
  if (typeof value === 'string') {
    const text = bounded(value, Math.max(8, Math.min(ECHO_LIMITS.detailString, budget.left)));
    budget.left -= text.length;
    return text;
  }
  if (value === null || typeof value === 'number' || typeof value === 'boolean') {
    budget.left -= 8;
    return value;
  }
  if (typeof value !== 'object') return value === undefined ? undefined : String(value);
  if (depth >= ECHO_LIMITS.detailDepth) return '…(nested too deep)';
  const entries = Array.isArray(value)
    ? value.map((v, i) => [String(i), v] as const)
    : Object.entries(value);
  const kept: Array<readonly [string, unknown]> = [];
  for (const [key, inner] of entries) {
    if (kept.length >= ECHO_LIMITS.detailEntries || budget.left <= 0) break;
    const name = bounded(key, 64);
    budget.left -= name.length;
    kept.push([name, boundedValue(inner, budget, depth + 1)]);
  }
  const more = entries.length - kept.length;
  if (Array.isArray(value)) {
    const list: unknown[] = kept.map(([, v]) => v);
    if (more > 0) list.push(`…(${more} more)`);
    return list;
  }
  // Entries as own data properties: a key named __proto__ stays a key.
  const out: Record<string, unknown> = {};
  for (const [key, inner] of kept)
    Object.defineProperty(out, key, {
      value: inner,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  if (more > 0) out['…'] = `${more} more`;
  return out;
}

/** An error's code, message and details within the limits: what any answer or dead letter repeats. */
export function boundedError(error: { code: string; message: string; details?: unknown }): {
  code: string;
  message: string;
  details: Record<string, unknown>;
} {
  const details = boundedValue(error.details ?? {});
  return {
    code: bounded(String(error.code), 100),
    message: bounded(String(error.message), ECHO_LIMITS.message),
    details:
      typeof details === 'object' && details !== null && !Array.isArray(details)
        ? (details as Record<string, unknown>)
        : { value: details },
  };
}
