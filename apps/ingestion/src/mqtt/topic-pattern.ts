/**
 * An MQTT topic pattern with named levels, e.g. `plant/{site}/{twinId}/telemetry`: subscribed to
 * as `plant/+/+/telemetry`, and each matching topic yields its site and twin id.
 */
export interface TopicPattern {
  source: string;
  /** The MQTT subscription filter. */
  filter: string;
  /** The named levels of a concrete topic, or undefined if it does not match. */
  match(topic: string): Record<string, string> | undefined;
}

const NAMED = /^\{(\w+)\}$/;

export function parseTopicPattern(source: string, required: string[] = ['twinId']): TopicPattern {
  const levels = source.split('/');
  if (levels.some((l) => l.includes('+') || l.includes('#'))) {
    throw new Error(`MQTT topic pattern ${source}: use {name} levels, not the wildcards + and #`);
  }
  const names = levels.map((l) => NAMED.exec(l)?.[1]);
  for (const name of required) {
    if (!names.includes(name)) {
      throw new Error(`MQTT topic pattern ${source} must have a {${name}} level`);
    }
  }
  return {
    source,
    filter: levels.map((l, i) => (names[i] ? '+' : l)).join('/'),
    match(topic) {
      const parts = topic.split('/');
      if (parts.length !== levels.length) return undefined;
      // A Map-free record of own names only: level names come from our config, values from topics.
      const found: Record<string, string> = Object.create(null) as Record<string, string>;
      for (let i = 0; i < levels.length; i++) {
        const name = names[i];
        if (name) {
          // An empty level (`plant//x`) names nothing.
          if (parts[i] === '') return undefined;
          found[name] = parts[i]!;
        } else if (parts[i] !== levels[i]) return undefined;
      }
      return found;
    },
  };
}

/**
 * The subscription filters that cover the given ones, without those another already covers: a
 * broker sends a message once per matching subscription, so overlapping filters would deliver
 * it twice (`plant/+/+/+` covers `plant/+/+/telemetry`).
 */
export function coveringFilters(filters: string[]): string[] {
  const unique = [...new Set(filters)];
  return unique.filter(
    (filter) => !unique.some((other) => other !== filter && covers(other, filter)),
  );
}

function covers(broad: string, narrow: string): boolean {
  const a = broad.split('/');
  const b = narrow.split('/');
  return a.length === b.length && a.every((level, i) => level === '+' || level === b[i]);
}
