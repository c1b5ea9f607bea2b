import { z } from 'zod';
import { parseEnv, type Env } from '@twinlog/service-kit';

const url = z.string().url();
const schema = z.object({
  // Where Twinlog answers: `npm start` serves every API on this one port.
  TWINLOG_URL: url.default('http://127.0.0.1:8080'),
  // Per service, when the services run on their own (npm run start:twin-state is on 8082 ...).
  TWINLOG_TWIN_STATE_URL: url.optional(),
  TWINLOG_SIMULATION_URL: url.optional(),
  TWINLOG_MAINTENANCE_URL: url.optional(),
  TWINLOG_INGESTION_URL: url.optional(),
  TWINLOG_ALERTING_URL: url.optional(),
  // `twinlog alerts channel add webhook`: the signing secret, kept out of shell history.
  TWINLOG_WEBHOOK_SECRET: z.string().optional(),
  // Set by bin/twinlog.js: where the user ran `npx twinlog`, for their relative file paths.
  TWINLOG_CALLER_CWD: z.string().optional(),
});

export function readCliConfig(env: Env) {
  const raw = parseEnv(schema, env);
  const base = (value: string | undefined) => (value ?? raw.TWINLOG_URL).replace(/\/$/, '');
  return {
    twinStateUrl: base(raw.TWINLOG_TWIN_STATE_URL),
    simulationUrl: base(raw.TWINLOG_SIMULATION_URL),
    maintenanceUrl: base(raw.TWINLOG_MAINTENANCE_URL),
    ingestionUrl: base(raw.TWINLOG_INGESTION_URL),
    alertingUrl: base(raw.TWINLOG_ALERTING_URL),
    webhookSecret: raw.TWINLOG_WEBHOOK_SECRET,
    callerCwd: raw.TWINLOG_CALLER_CWD ?? process.cwd(),
  };
}
