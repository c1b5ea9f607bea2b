import type { ReportFigure } from '../../api/types';

/** A figure as the report writes it: its value, then its unit (a "/100" unit without a space). */
export function figureText(figure: ReportFigure): string {
  const value = String(figure.value);
  if (!figure.unit) return value;
  return figure.unit.startsWith('/') ? `${value}${figure.unit}` : `${value} ${figure.unit}`;
}

/** Where a figure comes from: its event, or the question it answers, and when. */
export function sourceText(figure: ReportFigure): string {
  return 'eventId' in figure.source
    ? `event ${figure.source.eventId}, ${figure.source.at}`
    : `${figure.source.query}, ${figure.source.at}`;
}
