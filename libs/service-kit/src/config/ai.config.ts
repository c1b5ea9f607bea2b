import { aiEnvSchema, aiSettingsOf, type AiSettings } from '@twinlog/ai';
import { parseEnv, type Env } from './env-parsing';

/**
 * The AI layer's settings (docs/ai.md): on iff OPENAI_API_KEY is set and TWINLOG_AI is not off.
 * A bad value stops start-up naming the variable; the key itself is never echoed.
 */
export function readAiSettings(env: Env): AiSettings {
  return aiSettingsOf(parseEnv(aiEnvSchema, env));
}
