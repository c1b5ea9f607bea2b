import { z } from 'zod';

/** `GET /v1/reports/maintenance`'s answer (the OpenAPI document's schema). */
const SOURCE = z.union([
  z.object({
    eventId: z.string().describe('The event the value comes from (its audit trail)'),
    at: z.string(),
  }),
  z.object({
    query: z.string().describe('The question whose answer the value is (counts of the report)'),
    at: z.string(),
  }),
]);

export const FIGURE = z.object({
  id: z.string().describe('F1, F2, ...: what the sections cite'),
  label: z.string(),
  value: z.union([z.number(), z.string()]),
  unit: z.string().nullable(),
  twinId: z.string().nullable(),
  source: SOURCE,
});

export const REPORT_ANSWER = z.object({
  scope: z.union([
    z.object({ kind: z.literal('twin'), twinId: z.string() }),
    z.object({ kind: z.literal('site'), site: z.string() }),
  ]),
  generatedAt: z.string(),
  model: z.string().describe('The model that wrote the words'),
  cached: z.boolean().describe('Served from the AI cache (an identical ask within its TTL)'),
  figures: z.array(FIGURE).describe("Every number in the report, Twinlog's, with its source"),
  sections: z
    .array(z.object({ title: z.string(), text: z.string() }))
    .describe("The model's sections with the figures' values put in"),
  markdown: z
    .string()
    .describe('The whole report, each value followed by its [F…] id, then the figures'),
});
export type ReportAnswer = z.infer<typeof REPORT_ANSWER>;
