/** One reading as the load sends it; every field follows from its number, so runs can be compared. */
export interface LoadReading {
  twinId: string;
  property: string;
  value: number;
  time: string;
  readingId: string;
}

export const LOAD_PROPERTIES = ['temperature', 'spindle_speed', 'power_consumption'] as const;
const VALUE: Record<(typeof LOAD_PROPERTIES)[number], (n: number) => number> = {
  temperature: (n) => 40 + (n % 13) * 0.5,
  spindle_speed: (n) => 9000 + (n % 7) * 100,
  power_consumption: (n) => 8 + (n % 5) * 0.25,
};

/** Reading number n: twins in turn, then properties; 10 ms apart in event time from `startMs`. */
export function loadReading(n: number, twins: readonly string[], startMs: number): LoadReading {
  const property = LOAD_PROPERTIES[Math.floor(n / twins.length) % LOAD_PROPERTIES.length]!;
  return {
    twinId: twins[n % twins.length]!,
    property,
    value: VALUE[property](n),
    time: new Date(startMs + n * 10).toISOString(),
    readingId: `r-${n}`,
  };
}

export interface LoadCounts {
  sent: number;
  acknowledged: number;
  /** Attempts answered with an error or not answered at all (then sent again). */
  refused: number;
}

/**
 * A steady sender, as an obedient plant gateway: batches POSTed one after another, a refused or
 * unanswered batch sent again (after its Retry-After, capped) until it is acknowledged. A reading
 * counts as acknowledged only when its own result says accepted or duplicate.
 */
export function steadyLoad(
  ingestionUrl: () => string,
  twins: readonly string[],
  options: { batch: number; pauseMs: number; startMs: number; first?: number },
) {
  const acknowledged: LoadReading[] = [];
  const counts: LoadCounts = { sent: 0, acknowledged: 0, refused: 0 };
  let stopping = false;
  let next = options.first ?? 0;
  const sendOnce = async (batch: LoadReading[]): Promise<boolean> => {
    try {
      const answer = await fetch(`${ingestionUrl()}/v1/readings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(batch),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await answer.json()) as { results?: Array<{ status: string }> };
      if (answer.status !== 200 && answer.status !== 207) return false;
      batch.forEach((reading, i) => {
        const status = body.results?.[i]?.status;
        if (status === 'accepted' || status === 'duplicate') acknowledged.push(reading);
      });
      return true;
    } catch {
      return false;
    }
  };
  const running = (async () => {
    while (!stopping) {
      const batch = Array.from({ length: options.batch }, (_, i) =>
        loadReading(next + i, twins, options.startMs),
      );
      next += options.batch;
      counts.sent += batch.length;
      while (!(await sendOnce(batch))) {
        counts.refused += 1;
        await new Promise((r) => setTimeout(r, 500));
      }
      counts.acknowledged = acknowledged.length;
      await new Promise((r) => setTimeout(r, options.pauseMs));
    }
  })();
  return {
    acknowledged,
    counts,
    /** Readings acknowledged so far. */
    get done() {
      return acknowledged.length;
    },
    /** Finishes the batch in hand (until acknowledged), then stops. */
    stop: async () => {
      stopping = true;
      await running;
      return counts;
    },
  };
}

/** Per twin and property, how many readings and the latest one, from a list of readings. */
export function tally(
  readings: readonly LoadReading[],
): Map<string, { count: number; last: LoadReading }> {
  const by = new Map<string, { count: number; last: LoadReading }>();
  for (const r of readings) {
    const key = `${r.twinId}/${r.property}`;
    const seen = by.get(key);
    if (!seen) by.set(key, { count: 1, last: r });
    else {
      seen.count += 1;
      if (r.time > seen.last.time) seen.last = r;
    }
  }
  return by;
}

/**
 * Waits until ingestion's twin directory knows every twin (registration reaches it through the
 * log): a probe reading of a property no model has is refused PROPERTY_UNKNOWN, not
 * TWIN_NOT_FOUND, once the twin is known. Nothing is accepted by the probe.
 */
export async function untilTwinsKnown(
  ingestionUrl: string,
  twins: readonly string[],
): Promise<void> {
  const body = JSON.stringify(
    twins.map((twinId) => ({
      twinId,
      property: 'no_such_property',
      value: 0,
      time: new Date().toISOString(),
    })),
  );
  for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
    try {
      const answer = await fetch(`${ingestionUrl}/v1/readings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const { results } = (await answer.json()) as {
        results?: Array<{ error?: { code: string } }>;
      };
      if (results?.every((r) => r.error?.code === 'PROPERTY_UNKNOWN')) return;
    } catch {
      // not answering yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`ingestion did not know the twins ${twins.join(', ')} within 120 s`);
}
