import { z } from 'zod';
import { parseEnv, type Env } from '@twinlog/service-kit';

const schema = z.object({
  // Where the twin-state service answers (its HTTP port's default on this machine).
  TWINLOG_TWIN_STATE_URL: z.string().url().default('http://127.0.0.1:8082'),
});

export function readCliConfig(env: Env) {
  return { twinStateUrl: parseEnv(schema, env).TWINLOG_TWIN_STATE_URL.replace(/\/$/, '') };
}
