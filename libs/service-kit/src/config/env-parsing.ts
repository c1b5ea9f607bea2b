import { z } from 'zod';

/** A bad setting stops the service at start-up, naming the variable, the value and the rule. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/** Parses env vars with a zod schema whose keys are the variable names; errors name each variable. */
export function parseEnv<S extends z.ZodObject>(schema: S, env: Env): z.infer<S> {
  const picked = Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const result = schema.safeParse(picked);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '?');
      return `${key}=${shown(key, picked[key])}: ${issue.message}`;
    }),
  );
}

/** Variables whose value is a secret: a bad one is named, never echoed. */
const SECRET_NAME = /(PASSWORD|TOKEN|SECRET|_KEY)$/;

/** A setting's value as a problem shows it: secrets hidden, a URL's password masked. */
function shown(key: string, value: string | undefined): string {
  if (value !== undefined && SECRET_NAME.test(key)) return '<hidden>';
  return JSON.stringify((value ?? '').replace(/(\/\/[^/:@\s]*:)[^@/\s]*@/g, '$1***@'));
}

export const intFrom = (min: number, fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const listOf = (fallback?: string) =>
  (fallback === undefined ? z.string() : z.string().default(fallback)).transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

/** Runs each reader; if any fail with a ConfigError, throws one ConfigError with all problems. */
export function collectProblems<A, B>(a: () => A, b: () => B): [A, B] {
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const results = [attempt(a), attempt(b)] as const;
  if (problems.length > 0) throw new ConfigError(problems);
  return results as [A, B];
}
