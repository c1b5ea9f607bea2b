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

export function parseTopicPattern(source: string): TopicPattern {
  const levels = source.split('/');
  if (levels.some((l) => l.includes('+') || l.includes('#'))) {
    throw new Error(`MQTT topic pattern ${source}: use {name} levels, not the wildcards + and #`);
  }
  const names = levels.map((l) => NAMED.exec(l)?.[1]);
  if (!names.includes('twinId')) {
    throw new Error(`MQTT topic pattern ${source} must have a {twinId} level`);
  }
  return {
    source,
    filter: levels.map((l, i) => (names[i] ? '+' : l)).join('/'),
    match(topic) {
      const parts = topic.split('/');
      if (parts.length !== levels.length) return undefined;
      const found: Record<string, string> = {};
      for (let i = 0; i < levels.length; i++) {
        const name = names[i];
        if (name) found[name] = parts[i]!;
        else if (parts[i] !== levels[i]) return undefined;
      }
      return found;
    },
  };
}
