import type { Severity } from '@twinlog/domain';

/** How bad an episode is, from the score (0-1) that opened it. */
export function severityOf(score: number): Severity {
  if (score >= 0.9) return 'critical';
  if (score >= 0.75) return 'alarm';
  if (score >= 0.5) return 'warning';
  return 'info';
}
