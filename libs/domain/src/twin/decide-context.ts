import type { ModelCatalog } from '../model/model-catalog';
import type { TwinState } from './twin-state';

/** What a decision may look at besides the twin's own state; handlers load it, decide only reads. */
export interface DecideContext {
  catalog: ModelCatalog;
  /** The time the command was issued (from its metadata; the domain never reads a clock). */
  now: string;
  /** How far in the future an event time may lie (clock skew of plant devices), in ms. */
  maxFutureSkewMs: number;
  /** The parent's state, for RegisterTwin with a parentId. */
  parent?: TwinState;
  /** The parent's ancestors' ids (its parent first), to refuse cycles in the hierarchy. */
  parentAncestors?: string[];
  /**
   * The states of the twin's children, for RetireTwin and ChangeModelVersion (a parent is not
   * retired under active children, nor moved to a model that does not allow them).
   */
  children?: TwinState[];
  /** The states of the parent's children, for RegisterTwin with a parentId. */
  parentChildren?: TwinState[];
}

export const DEFAULT_MAX_FUTURE_SKEW_MS = 5 * 60_000;
