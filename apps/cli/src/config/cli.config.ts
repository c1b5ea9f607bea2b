import { z } from 'zod';
import { parseEnv, type Env } from '@twinlog/service-kit';

const schema = z.object({
  // Where the twin-state service answers (its HTTP port's default on this machine).
  TWINLOG_TWIN_STATE_URL: z.string().url().default('http://127.0.0.1:8082'),
  // Where the simulation service answers (its HTTP port's default on this machine).
  TWINLOG_SIMULATION_URL: z.string().url().default('http://127.0.0.1:8084'),
  // Set by bin/twinlog.js: where the user ran `npx twinlog`, for their relative file paths.
  TWINLOG_CALLER_CWD: z.string().optional(),
});

export function readCliConfig(env: Env) {
  const raw = parseEnv(schema, env);
  return {
    twinStateUrl: raw.TWINLOG_TWIN_STATE_URL.replace(/\/$/, ''),
    simulationUrl: raw.TWINLOG_SIMULATION_URL.replace(/\/$/, ''),
    callerCwd: raw.TWINLOG_CALLER_CWD ?? process.cwd(),
  };
}
