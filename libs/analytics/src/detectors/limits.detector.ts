import { bandOf, type Limits } from '@twinlog/domain';
import type { Finding, Observation, PropertyDetector } from './detector';

const SCORE = { normal: 0, warning: 0.55, alarm: 0.8, failure: 0.95 } as const;

/** The model's limits: warning, alarm and failure bands (the same bands as the twin's health). */
export class LimitsDetector implements PropertyDetector {
  readonly name = 'limits';

  constructor(private readonly limits: Limits) {}

  /** Stateless: the limits come from the model. */
  snapshot(): null {
    return null;
  }

  restore(): void {
    // Nothing to restore: the limits come with the settings.
  }

  observe({ value }: Observation): Finding {
    const band = bandOf(value, this.limits);
    const normal = this.limits.normal ?? {};
    return {
      score: SCORE[band],
      ...(normal.low !== undefined ? { expectedLow: normal.low } : {}),
      ...(normal.high !== undefined ? { expectedHigh: normal.high } : {}),
      reason: band === 'normal' ? 'within limits' : `${value} is in the ${band} band`,
    };
  }
}
