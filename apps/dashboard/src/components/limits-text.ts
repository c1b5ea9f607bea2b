import type { Limits } from '@twinlog/domain';
import { quantity } from './number-format';

const BANDS = ['warning', 'alarm', 'failure'] as const;

/** A value against its limits in words, for those who cannot see the bar: "oee: 55 %; warning at or below 40 %". */
export function limitsText(label: string, value: number, unit: string, limits: Limits): string {
  const q = (n: number) => quantity(n, unit, limits);
  return [
    `${label}: ${q(value)}`,
    ...BANDS.flatMap((band) => {
      const b = limits[band];
      if (!b) return [];
      const sides = [
        b.low !== undefined ? `at or below ${q(b.low)}` : '',
        b.high !== undefined ? `at or above ${q(b.high)}` : '',
      ];
      return [`${band} ${sides.filter(Boolean).join(' or ')}`];
    }),
  ].join('; ');
}
