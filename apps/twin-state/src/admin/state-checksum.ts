import { createHash } from 'node:crypto';
import { canonical, type TwinState } from '@twinlog/domain';

/** A fingerprint of a twin's state: equal states (whatever their key order) give equal sums. */
export function stateChecksum(state: TwinState): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(state)))
    .digest('hex')
    .slice(0, 16);
}
