import type { TwinState } from '@twinlog/domain';
import type { ReportFacts } from './report-facts';

/** Bumped when the instructions change, so answers cached under the old ones are not reused. */
export const REPORT_PROMPT_VERSION = 2;

/**
 * Ours only (plant text goes in the data block): how to write the report from the figures. It
 * states the rules checkReportSections enforces (report-text-rules.ts), so that a model that
 * follows them is not asked twice; it avoids every word it forbids.
 */
export const REPORT_INSTRUCTIONS = [
  `Task: write a maintenance report (prompt version ${REPORT_PROMPT_VERSION}) in English for the people who plan maintenance, from the figures in the data.`,
  'Write a few short sections, for example: a summary, what needs attention most urgently and when,',
  'open anomalies, recent maintenance, and what to plan. Plain sentences; no tables.',
  'Every number, date, time, duration, count, share, rank, id or name containing a digit must be',
  'cited as a placeholder of the figure that holds it, written exactly as {F3} (curly braces, F,',
  "the figure number). Twinlog replaces each placeholder with the figure's value and unit.",
  'Your own text (titles included) must state NO number of its own in any form: no digits of any',
  'script; no number words (such as "three", "twelve", "third", "hundred", "dozen", "half",',
  '"quarter", "twice", "double", "couple", "both", "single", "percent", "per cent", "a day",',
  '"an hour"); no Roman numerals, and no abbreviation made only of the letters I V X L C D M',
  '(spell it out); no % ‰ or ° sign. For an order write "most urgent", "next" or "then"; for an',
  'amount write "some", "several" or "many", or cite the figure.',
  'Keep each placeholder apart: a space (or an opening parenthesis after a space) right before it,',
  'and right after it a space, the end, or any of ) , ; : . ! ? followed by a space or the end.',
  'Never attach a letter, a sign or another placeholder to it ({F1}e{F2}, {F1}k, {F1}.{F2} are refused).',
  'Cite only the figures given; if a fact is not among them, do not state it. Do not invent causes',
  'or figures; say when the data shows nothing needing attention.',
].join(' ');

/** The data block of the ask: the scope, the twins and the figures (values as Twinlog holds them). */
export function reportData(
  facts: ReportFacts,
  twins: readonly TwinState[],
): Record<string, unknown> {
  // Only the twins a figure is about: a large site's others add nothing the model could cite.
  const cited = new Set(facts.figures.map((f) => f.twinId));
  return {
    scope: facts.scope,
    twins: twins
      .filter((t) => cited.has(t.twinId))
      .map((t) => ({
        twinId: t.twinId,
        name: t.name,
        twinType: t.twinType,
        level: t.level,
        parentId: t.parentId,
      })),
    figures: facts.figures.map((f) => ({
      id: f.id,
      label: f.label,
      value: f.value,
      unit: f.unit,
      twinId: f.twinId,
    })),
  };
}
