import { z } from 'zod';
import { AI_TEXT_LIMITS as L } from './ai-events';

const isoTime = z.iso.datetime({ offset: true });
const id = z.string().min(1).max(200);
const text = (max: number) => z.string().min(1).max(max);

/** The ask of a SimulationRequested (absent in events older than issue 22). */
export const simulationAskSchema = z.object({ text: text(L.askText), model: text(L.model) });

/** Payload schemas of the AI layer's events, at their first version. */
export const AI_EVENT_DATA_SCHEMAS = {
  AnomalyExplained: z.object({
    episodeId: id,
    anomalyEventId: id,
    summary: text(L.summary),
    likelyCauses: z.array(z.object({ cause: text(L.item), why: text(L.item) })).max(L.items),
    checkFirst: z.array(text(L.item)).max(L.items),
    model: text(L.model),
    promptVersion: text(L.promptVersion),
  }),
  AiFindingRecorded: z.object({
    source: z.literal('ai-second-opinion'),
    verdict: z.literal('possible-anomaly'),
    properties: z.array(text(L.item)).min(1).max(L.properties),
    summary: text(L.summary),
    window: z
      .object({ from: isoTime, to: isoTime })
      .refine(
        (w) => Date.parse(w.from) <= Date.parse(w.to),
        'the window must not end before it starts',
      ),
    readings: z.number().int().nonnegative().max(1_000_000),
    model: text(L.model),
    promptVersion: text(L.promptVersion),
  }),
} as const;
