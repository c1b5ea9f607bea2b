import type { MaintenanceReport, ReportFigure } from '../../api/types';

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

/** A piece of a report's text: the model's words, or one of Twinlog's figures as cited. */
export type ReportPart = { words: string } | { figure: ReportFigure; text: string };

/** A section of the report with each value tied to the figure it is. */
export interface CitedSection {
  title: ReportPart[];
  text: ReportPart[];
}

/**
 * The report's sections with their citations, read from its markdown, where each value is
 * followed by its figure's id (`40 h [F2]`). `sections` (the values without ids) says where the
 * model's words end: the markdown's text must be exactly a section's text with citations put
 * in after values. When it is not (an older server), the sections come back without citations.
 */
export function citedSections(report: MaintenanceReport): CitedSection[] {
  const uncited = () =>
    report.sections.map((s) => ({ title: [{ words: s.title }], text: [{ words: s.text }] }));
  const byId = new Map(report.figures.map((f) => [f.id, f]));
  const md = report.markdown;
  const end = md.lastIndexOf('\n\n## Figures\n');
  if (end < 0) return uncited();
  // The header is two lines of Twinlog's (no blank line inside); each section starts "## ".
  let at = md.indexOf('\n\n## ');
  const sections: CitedSection[] = [];
  for (const section of report.sections) {
    if (at < 0 || !md.startsWith('\n\n## ', at)) return uncited();
    const title = aligned(oneLine(section.title), md, at + 5, byId, true);
    if (!title || !md.startsWith('\n\n', title.end)) return uncited();
    const text = aligned(section.text, md, title.end + 2, byId, false);
    if (!text) return uncited();
    sections.push({ title: title.parts, text: text.parts });
    at = text.end;
  }
  return at === end ? sections : uncited();
}

/**
 * Reads `plain` from `md` at `from`, where each figure's value may be followed by ` [Fn]`: the
 * parts (a value is a figure when its citation follows it) and where the reading ended.
 */
function aligned(
  plain: string,
  md: string,
  from: number,
  byId: ReadonlyMap<string, ReportFigure>,
  squashed: boolean,
): { parts: ReportPart[]; end: number } | undefined {
  const parts: ReportPart[] = [];
  let words = ''; // read since the last citation
  let at = from;
  for (let i = 0; ;) {
    const cite = /^ \[(F\d+)\]/.exec(md.slice(at, at + 16));
    const figure = cite ? byId.get(cite[1]!) : undefined;
    const value = figure && (squashed ? oneLine(figureText(figure)) : figureText(figure));
    if (figure && value !== undefined && words.endsWith(value)) {
      if (words.length > value.length) parts.push({ words: words.slice(0, -value.length) });
      parts.push({ figure, text: value });
      words = '';
      at += cite![0].length;
      continue;
    }
    if (i === plain.length) break;
    if (md[at] !== plain[i]) return undefined;
    words += plain[i];
    i += 1;
    at += 1;
  }
  if (words) parts.push({ words });
  return { parts, end: at };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A section's text as paragraphs (blank lines in the model's words part them). */
export function paragraphsOf(parts: readonly ReportPart[]): ReportPart[][] {
  const paragraphs: ReportPart[][] = [[]];
  for (const part of parts) {
    if (!('words' in part)) {
      paragraphs.at(-1)!.push(part);
      continue;
    }
    part.words.split(/\n{2,}/).forEach((words, i) => {
      if (i > 0) paragraphs.push([]);
      if (words) paragraphs.at(-1)!.push({ words });
    });
  }
  return paragraphs.filter((p) => p.length > 0);
}
