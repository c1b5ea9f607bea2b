import { aiEnvSchema, aiSettingsOf, type AiSettings } from '@twinlog/ai';
import { ConfigError, parseEnv, type Env } from './env-parsing';
import { DEFAULT_HTTP_TIMEOUTS } from '../http/http-timeouts';

/**
 * The AI layer's settings (docs/ai.md): on iff OPENAI_API_KEY is set and TWINLOG_AI is not off.
 * A bad value stops start-up naming the variable; the key itself is never echoed. An ask's
 * deadline must end before the HTTP server drops the silent socket it waits on, or the caller
 * would get an empty reply instead of the 502 that says why. Checked only where AI is on: a
 * service without a model server has no ask to cut short, whatever its idle timeout.
 */
export function readAiSettings(
  env: Env,
  idleTimeoutMs = DEFAULT_HTTP_TIMEOUTS.idleTimeoutMs,
): AiSettings {
  const settings = aiSettingsOf(parseEnv(aiEnvSchema, env));
  if (settings.enabled && settings.askDeadlineMs >= idleTimeoutMs)
    throw new ConfigError([
      `TWINLOG_AI_ASK_DEADLINE_MS=${settings.askDeadlineMs}: must be below TWINLOG_HTTP_IDLE_TIMEOUT_MS=${idleTimeoutMs}, or the HTTP server drops an ask's connection before the ask can say it timed out; lower it or raise the idle timeout`,
    ]);
  return settings;
}
