import { randomUUID } from 'node:crypto';
import { stampEvents } from '@twinlog/domain';
import { jsonRequest } from '@twinlog/testing';
import type { InProcessTwinlog } from './in-process-twinlog';

/** The id of the episode twinWithAnomaly appends for `twinId`. */
export const anomalyEpisodeOf = (twinId: string) => `${twinId}:temperature:limits:r-1`;

/**
 * A CNC machine registered through the API, with an anomaly episode as the anomaly service
 * appends it (AnomalyDetected, a minute ago: temperature above its alarm limit): what the AI
 * specs explain, ask about and report on. Returns the episode id.
 */
export async function twinWithAnomaly(t: InProcessTwinlog, twinId: string): Promise<string> {
  const episodeId = anomalyEpisodeOf(twinId);
  const registered = await jsonRequest(t.url, 'POST', '/v1/twins', {
    twinId,
    twinType: 'cnc-milling-machine',
    site: 'plant-a',
    commissionedAt: new Date(Date.now() - 3_600_000).toISOString(),
  });
  if (registered.status !== 201)
    throw new Error(
      `registering ${twinId}: ${registered.status} ${JSON.stringify(registered.json)}`,
    );
  await t.infra.log.append(
    stampEvents(
      twinId,
      [
        {
          type: 'AnomalyDetected',
          occurredAt: new Date(Date.now() - 60_000).toISOString(),
          data: {
            episodeId,
            detector: 'limits',
            properties: ['temperature'],
            score: 1,
            severity: 'alarm',
            evidence: [{ property: 'temperature', observed: 94, expectedHigh: 85 }],
          },
        },
      ],
      {
        commandId: `${episodeId}/detected`,
        correlationId: randomUUID(),
        causationId: null,
        producer: 'anomaly/test',
        now: new Date().toISOString(),
      },
    ),
  );
  return episodeId;
}
