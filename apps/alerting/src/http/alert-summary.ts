import type { AlertSummary, AlertView } from '@twinlog/domain';

/** The view with the counts of what it no longer keeps (a flapping alert's oldest history). */
type CappedAlertView = AlertView & { historyOmitted?: number; suppressedOmitted?: number };

/** What a list answers for an alert: its counts instead of its history (review 20 #8). */
export function alertSummaryOf(alert: AlertView): AlertSummary {
  const { history, suppressed, historyOmitted, suppressedOmitted, ...rest } =
    alert as CappedAlertView;
  return {
    ...rest,
    historyCount: history.length + (historyOmitted ?? 0),
    suppressedCount: suppressed.length + (suppressedOmitted ?? 0),
    lastTransition: history.at(-1) ?? null,
  };
}
