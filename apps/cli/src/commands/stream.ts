import { followStream, StreamRefused, type FollowOptions } from '@twinlog/service-kit';
import { authHeaders, CliError } from './api-client';

export type { LiveStreamMessage as StreamMessage } from '@twinlog/service-kit';

/** The live stream with this process's key; a refusal is the CLI's exit code 2 with its reason. */
export async function followWithKey(base: string, options: FollowOptions): Promise<void> {
  try {
    await followStream(base, { ...options, headers: authHeaders() });
  } catch (error) {
    if (error instanceof StreamRefused) throw new CliError(error.message);
    throw error;
  }
}
