import { z } from 'zod';
import type { Figure, ReportScope } from './report-facts';
import { PLACEHOLDER, textProblems } from './report-text-rules';

/**
 * What the model writes for a maintenance report, and the rule that keeps every number in it
 * Twinlog's: its text may cite figures only as {F3}, states no number of its own (no digit, no
 * number word, no Roman numeral, no character outside a small English repertoire; Twinlog's own
 * names excepted) and keeps each placeholder apart from what surrounds it
 * (report-text-rules.ts). The server then puts the figures' values in (one pass: a value is
 * never read for placeholders).
 */
export const REPORT_SECTIONS = z.object({
  sections: z
    .array(
      z.object({
        title: z.string().min(1).max(120),
        text: z.string().min(1).max(4000),
      }),
    )
    .min(1)
    .max(8),
});
export type ReportSections = z.infer<typeof REPORT_SECTIONS>;

/** At most this many problems go back to the model (and into AI_ANSWER_INVALID's details). */
const MAX_PROBLEMS = 20;

/**
 * The problems of the model's sections against the figures: none when they may be used.
 * `twinlogs`: Twinlog's own strings of the data block (reportNames), which the model may repeat.
 */
export function checkReportSections(
  answer: ReportSections,
  figures: readonly Figure[],
  twinlogs: readonly string[] = [],
): string[] {
  const known = new Set(figures.map((f) => f.id));
  const problems = answer.sections.flatMap((section, i) => [
    ...textProblems(`sections.${i}.title`, section.title, known, twinlogs),
    ...textProblems(`sections.${i}.text`, section.text, known, twinlogs),
  ]);
  if (problems.length <= MAX_PROBLEMS) return problems;
  const more = problems.length - MAX_PROBLEMS + 1;
  return [...problems.slice(0, MAX_PROBLEMS - 1), `and ${more} more problems of the kinds above`];
}

/** A figure as the report shows it: its value and unit. */
export function figureText(figure: Figure): string {
  const value = String(figure.value);
  if (!figure.unit) return value;
  return figure.unit.startsWith('/') ? `${value}${figure.unit}` : `${value} ${figure.unit}`;
}

/** The text with each {Fn} replaced by the figure's value (`cite`: and its id, for markdown). */
export function substitute(text: string, figures: readonly Figure[], cite = false): string {
  const byId = new Map(figures.map((f) => [f.id, f]));
  return text.replace(PLACEHOLDER, (whole, id: string) => {
    const figure = byId.get(id);
    if (!figure) return whole; // unreachable after checkReportSections
    return cite ? `${figureText(figure)} [${figure.id}]` : figureText(figure);
  });
}

export interface ReportDocument {
  scope: ReportScope;
  generatedAt: string;
  model: string;
  figures: readonly Figure[];
  /** The sections with the figures' values in (plain text). */
  sections: Array<{ title: string; text: string }>;
}

/** The report as markdown: the sections (each value followed by its figure id), then the figures. */
export function reportMarkdown(report: ReportDocument, written: ReportSections): string {
  const scope =
    report.scope.kind === 'twin' ? `twin ${report.scope.twinId}` : `site ${report.scope.site}`;
  const lines = [
    `# Maintenance report: ${oneLine(scope)}`,
    '',
    `_Generated ${report.generatedAt} by ${oneLine(report.model)} from Twinlog's data: every figure is Twinlog's and cited as [F…]; the model wrote only the words._`,
  ];
  for (const section of written.sections) {
    lines.push(
      '',
      `## ${oneLine(substitute(section.title, report.figures, true))}`,
      '',
      substitute(section.text, report.figures, true),
    );
  }
  lines.push(
    '',
    '## Figures',
    '',
    '| id | figure | value | twin | source |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const f of report.figures) {
    const source =
      'eventId' in f.source
        ? `event ${f.source.eventId} at ${f.source.at}`
        : `${f.source.query} at ${f.source.at}`;
    lines.push(
      `| ${f.id} | ${cell(f.label)} | ${cell(figureText(f))} | ${cell(f.twinId ?? '')} | ${cell(source)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function cell(text: string): string {
  return oneLine(text).replace(/\|/g, '\\|');
}
