import type { TwinState } from '@twinlog/domain';
import type { ReportFacts } from './report-facts';

/** Bumped when the instructions change, so answers cached under the old ones are not reused. */
export const REPORT_PROMPT_VERSION = 3;

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
  'Twin names, ids, types, the site and figure labels of the data may be written as they are.',
  'Your own text (titles included) must state NO number of its own in any form: no digits of any',
  'script; no number words or words built on them (such as "three", "twelve", "twentyfour",',
  '"tenfold", "third", "hundred", "dozen", "half", "quarter", "once", "twice", "double", "couple",',
  '"single", "percent", "a score of", "minus", "squared", "a day", "an hour"); nothing after a',
  'placeholder that scales or multiplies it ("{F1} times", "{F1} K"); no Roman numerals such as',
  '"xii" or "VIII"; no % ‰ or ° sign. "First", "second" (as in "second opinion"), "no one",',
  '"one of", "both" are fine. For an order write "most urgent", "next" or "then"; for an amount',
  'write "some", "several" or "many", or cite the figure; write "when" rather than "once".',
  'Write plain English letters (a-z, accents allowed), ASCII punctuation and spaces only: no',
  'invisible characters, combining marks, letters of other scripts, full-width or styled letters.',
  'Keep each placeholder apart: a space (or an opening parenthesis after a space) right before it,',
  'and right after it a space, the end, or any of ) , ; : . ! ? followed by a space or the end.',
  'Never attach a letter, a sign or another placeholder to it ({F1}e{F2}, {F1}k, {F1}.{F2} are refused).',
  'Cite only the figures given; if a fact is not among them, do not state it. Do not invent causes',
  'or figures; say when the data shows nothing needing attention.',
].join(' ');

export type ReportData = {
  scope: ReportFacts['scope'];
  twins: Array<{
    twinId: string;
    name: string | null;
    twinType: string;
    level: string;
    parentId: string | null;
  }>;
  figures: Array<{
    id: string;
    label: string;
    value: number | string;
    unit: string | null;
    twinId: string | null;
  }>;
};

/** The data block of the ask: the scope, the twins and the figures (values as Twinlog holds them). */
export function reportData(facts: ReportFacts, twins: readonly TwinState[]): ReportData {
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

/**
 * Twinlog's own strings of the data block, which the model may write as they are (a twin named
 * "Pump One" or "DC drive"): the scope, the twins' ids, names, types and parents, the figures'
 * labels and twins. Not the figures' values or units: a value is cited, never repeated.
 */
export function reportNames(data: ReportData): string[] {
  const scope = data.scope.kind === 'twin' ? data.scope.twinId : data.scope.site;
  return [
    scope,
    ...data.twins.flatMap((t) => [t.twinId, t.name, t.twinType, t.parentId]),
    ...data.figures.flatMap((f) => [f.label, f.twinId]),
  ].filter((s): s is string => typeof s === 'string');
}
