import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './entry-points';

/** One service of docker-compose.yml, after YAML merge keys and ${VAR:-default} interpolation. */
export interface ComposeService {
  name: string;
  image?: string;
  build?: unknown;
  command?: string[];
  environment: Record<string, string>;
  healthcheck?: { test: string | string[]; start_period?: string };
  depends_on: Record<string, { condition: string }>;
  volumes: string[];
  ports: string[];
  profiles: string[];
  replicas: number;
  restart?: string;
  stop_grace_period?: string;
}

interface RawService extends Omit<
  ComposeService,
  'name' | 'environment' | 'depends_on' | 'volumes' | 'ports' | 'profiles' | 'replicas'
> {
  environment?: Record<string, string | number | boolean>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
  profiles?: string[];
  deploy?: { replicas?: number };
}

/** Compose's interpolation with no variables set: `${X:-default}` is the default, `$$` a `$`. */
export function interpolate(text: string, env: Record<string, string> = {}): string {
  return text
    .replace(/(?<!\$)\$\{(\w+)(?::?-([^}]*))?\}/g, (_all, name: string, fallback?: string) => {
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (fallback === undefined) throw new Error(`\${${name}} has no default in the compose file`);
      return fallback;
    })
    .replace(/\$\$/g, '$');
}

/** The compose file as Compose reads it with these variables set (those of `.env`). */
export function loadCompose(
  file = join(REPO_ROOT, 'docker-compose.yml'),
  env: Record<string, string> = {},
) {
  const doc = parse(interpolate(readFileSync(file, 'utf8'), env), { merge: true }) as {
    services: Record<string, RawService>;
    volumes?: Record<string, unknown>;
  };
  const services = Object.entries(doc.services).map(([name, raw]): ComposeService => ({
    ...raw,
    name,
    environment: Object.fromEntries(
      Object.entries(raw.environment ?? {}).map(([k, v]) => [k, String(v)]),
    ),
    depends_on: raw.depends_on ?? {},
    volumes: raw.volumes ?? [],
    ports: raw.ports ?? [],
    profiles: raw.profiles ?? [],
    replicas: raw.deploy?.replicas ?? 1,
  }));
  return { services, namedVolumes: Object.keys(doc.volumes ?? {}) };
}

/** '45s', '1m30s', '2m' in seconds. */
export function durationSeconds(text: string): number {
  const parts = [...text.matchAll(/(\d+)(h|m|s)/g)];
  if (parts.map((p) => p[0]).join('') !== text) throw new Error(`${text} is not a duration`);
  const unit = { h: 3600, m: 60, s: 1 } as const;
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2] as keyof typeof unit], 0);
}
