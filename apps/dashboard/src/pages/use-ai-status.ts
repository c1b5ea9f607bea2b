import { useEffect, useState } from 'preact/hooks';
import { aiStatusOnce, type AiService } from '../api/client';
import type { AiStatus } from '../api/types';
import { api } from '../auth/session';

/** One ask per service per page load, shared by every AI control (docs/dashboard.md). */
const statusOf = aiStatusOnce(api);

/**
 * The AI status of the service that owns a feature: undefined until it answers, and when it
 * cannot (an older server, a refusal: the feature is then simply not offered).
 */
export function useAiStatus(service: AiService): AiStatus | undefined {
  const [status, setStatus] = useState<AiStatus | undefined>();
  useEffect(() => {
    let gone = false;
    statusOf(service).then(
      (s) => !gone && setStatus(s),
      () => !gone && setStatus(undefined),
    );
    return () => {
      gone = true;
    };
  }, [service]);
  return status;
}
