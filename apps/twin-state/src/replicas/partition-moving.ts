import { bounded, TwinlogError } from '@twinlog/domain';

/** 503 PARTITION_MOVING: the twin's partition is changing replicas; nothing was applied. */
export function partitionMoving(twinId: string): TwinlogError {
  return new TwinlogError(
    'PARTITION_MOVING',
    `Twin ${bounded(twinId)} is changing replicas: nothing was applied; send it again in a moment`,
    { twinId: bounded(twinId), retryAfterSeconds: 1 },
  );
}
