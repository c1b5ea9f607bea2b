import { z } from 'zod';
import { AI_TEXT_LIMITS, type Limits, type TwinState } from '@twinlog/domain';
import type { ClosedWindow } from './reading-windows';

/** Names the prompt in each finding, so a changed prompt's findings can be told apart. */
export const SECOND_OPINION_PROMPT_VERSION = 'second-opinion/1';

/** What the model answers: by this schema (structured outputs), validated by it too. */
export const secondOpinionAnswer = z.object({
  verdict: z.enum(['nothing-unusual', 'possible-anomaly']),
  properties: z
    .array(z.string().min(1).max(AI_TEXT_LIMITS.item))
    .max(AI_TEXT_LIMITS.properties),
  summary: z.string().min(1).max(AI_TEXT_LIMITS.summary),
});

export type SecondOpinionAnswer = z.infer<typeof secondOpinionAnswer>;

/** The answer's cap: a verdict, a few property names and up to three sentences, with room. */
export const SECOND_OPINION_MAX_OUTPUT_TOKENS = 600;

export const SECOND_OPINION_INSTRUCTIONS = [
  "Task: give a second opinion on one window of one twin's readings.",
  "Twinlog's detectors already judge every reading (limits, rate of change, stuck and missing",
  'sensors, an adaptive baseline per property, a multivariate detector); `openAnomalies` lists',
  'what they flag right now, and `limits` the bands from the twin model.',
  'Look for what they may miss: a slow drift, a changed relation between properties, an',
  'oscillation, a step, readings implausible together.',
  'Answer verdict "possible-anomaly" only for something unusual the detectors do not already',
  'flag, with `properties` naming the properties involved exactly as they appear in the data and',
  'a `summary` of one to three plain sentences for an operator.',
  'Otherwise answer verdict "nothing-unusual", `properties` empty, and a one-sentence summary.',
  'Never invent readings: the data holds every figure you may use.',
].join(' ');

export interface OpenEpisode {
  detector: string;
  property: string;
  severity: string;
  since: number;
}

/** The data block of one ask: the twin, its window's readings, its limits and the detectors' view. */
export function secondOpinionData(
  twin: Pick<TwinState, 'twinId' | 'twinType' | 'name' | 'limits'>,
  window: ClosedWindow,
  open: readonly OpenEpisode[],
): Record<string, unknown> {
  const limits: Record<string, Limits> = {};
  for (const { property } of window.properties)
    if (Object.hasOwn(twin.limits, property)) limits[property] = twin.limits[property]!;
  return {
    twin: { id: twin.twinId, type: twin.twinType, name: twin.name ?? null },
    window: {
      from: new Date(window.from).toISOString(),
      to: new Date(window.to).toISOString(),
      readings: window.readings,
      samplesAre: '[milliseconds since window.from, value]',
    },
    properties: window.properties,
    limits,
    openAnomalies: open.map((e) => ({
      detector: e.detector,
      property: e.property,
      severity: e.severity,
      since: new Date(e.since).toISOString(),
    })),
  };
}

/** The answer's own rule: a possible anomaly names at least one property, each one in the window. */
export function checkSecondOpinion(window: ClosedWindow) {
  const known = new Set(window.properties.map((p) => p.property));
  return (answer: SecondOpinionAnswer): string[] => {
    if (answer.verdict !== 'possible-anomaly') return [];
    if (answer.properties.length === 0)
      return ['properties: a possible anomaly names at least one property of the data'];
    return answer.properties
      .filter((p) => !known.has(p))
      .map((p) => `properties: ${JSON.stringify(p)} is not a property of the data`);
  };
}

/** Readings the model was shown: the samples of every property. */
export function readingsShown(window: ClosedWindow): number {
  return window.properties.reduce((n, p) => n + p.samples.length, 0);
}
