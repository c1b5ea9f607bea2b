import type { TwinState } from '@twinlog/domain';
import type { ReportFacts } from './report-facts';

/** Bumped when the instructions change, so answers cached under the old ones are not reused. */
export const REPORT_PROMPT_VERSION = 1;

/** Ours only (plant text goes in the data block): how to write the report from the figures. */
export const REPORT_INSTRUCTIONS = [
  `Task: write a maintenance report (prompt version ${REPORT_PROMPT_VERSION}) for the people who plan maintenance, from the figures in the data.`,
  'Write two to six short sections, for example: a summary, what needs attention first and when,',
  'open anomalies, recent maintenance, and what to plan. Plain sentences; no tables.',
  'Every number, date, time, duration, count, id or name containing a digit must be cited as a',
  'placeholder of the figure that holds it, written exactly as {F3} (curly braces, F, the figure',
  "number). Twinlog replaces each placeholder with the figure's value and unit.",
  'Your own text (titles included) must contain NO digits at all, in any form, and no number',
  'words standing for quantities: anything countable comes from a figure. Put words or spaces',
  'between two placeholders. Cite only the figures given; if a fact is not among them, do not',
  'state it. Do not invent causes or figures; say when the data shows nothing needing attention.',
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
