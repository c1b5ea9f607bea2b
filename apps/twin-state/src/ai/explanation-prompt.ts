import { AI_TEXT_LIMITS as L } from '@twinlog/domain';
import { z } from 'zod';

/** Names the instructions and schema below in every AnomalyExplained: change it when they change. */
export const EXPLAIN_PROMPT_VERSION = 'explain/1';

/** The ask's name: the schema's name in the request and the ask's in the logs. */
export const EXPLAIN_TASK = 'anomaly-explanation';

/** What the model answers: bounded like the AnomalyExplained event that records it. */
export const EXPLANATION_ANSWER = z.object({
  summary: z
    .string()
    .min(1)
    .max(L.summary)
    .describe('What happened and what it means, in two to four plain sentences for an operator'),
  likelyCauses: z
    .array(
      z.object({
        cause: z.string().min(1).max(L.item).describe('A likely cause, most likely first'),
        why: z.string().min(1).max(L.item).describe('Which facts of the data point to it'),
      }),
    )
    .max(L.items),
  checkFirst: z
    .array(z.string().min(1).max(L.item))
    .max(L.items)
    .describe('What to check on site first, in order'),
});
export type ExplanationAnswer = z.infer<typeof EXPLANATION_ANSWER>;

/** Ours alone: everything from the plant is in the data block. */
export const EXPLAIN_INSTRUCTIONS = [
  'Explain one anomaly that Twinlog detected on a twin (a machine, line or site in a plant).',
  'The data holds: `anomaly` (the detector, its score and severity, and its evidence: observed',
  'values against what was expected), `twin` (what it is), `model` (the units, descriptions and',
  'limits of the properties involved), `currentValues`, `recentStatistics` (windows of mean, min,',
  'max, last and count around the detection), `hierarchy` (its ancestors, parent and siblings)',
  'and `relatedAnomalies` (anomalies on its parent and siblings around the same time).',
  'Write a short summary of what happened, up to five likely causes, most likely first, each',
  'with why the data points to it, and up to five things to check first, in order.',
  'Use only the figures in the data; say so when the data is not enough to tell.',
  'Do not invent readings, limits or events. Keep each text short and plain.',
  'When the data holds `previousExplanation`, an operator asked for a fresh look: reconsider it',
  'against the facts rather than repeating it.',
].join(' ');
