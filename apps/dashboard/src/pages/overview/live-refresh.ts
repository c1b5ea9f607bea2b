/**
 * Gathers what the stream says changed and fetches it once, shortly after: many readings of one
 * twin within the delay cost one fetch. Readings refresh a twin at most every `readingEveryMs`
 * (a plant's twins report every second; the row's health does not need that often), and only
 * twins the page shows; everything else (registered, retired, anomalies, alerts) at once.
 */
export class LiveRefresh {
  private readonly twins = new Set<string>();
  private readonly alerts = new Set<string>();
  private readonly lastReadingRefresh = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly flush: (twins: string[], alerts: string[]) => Promise<void>,
    private readonly options: { delayMs: number; readingEveryMs: number; now: () => number },
  ) {}

  twinChanged(twinId: string, byReading: boolean, shown: boolean): void {
    if (byReading) {
      if (!shown) return;
      const last = this.lastReadingRefresh.get(twinId);
      const now = this.options.now();
      if (last !== undefined && now - last < this.options.readingEveryMs) return;
      this.lastReadingRefresh.set(twinId, now);
    }
    this.twins.add(twinId);
    this.schedule();
  }

  alertChanged(alertId: string): void {
    this.alerts.add(alertId);
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const twins = [...this.twins];
      const alerts = [...this.alerts];
      this.twins.clear();
      this.alerts.clear();
      void this.flush(twins, alerts);
    }, this.options.delayMs);
  }
}

/**
 * How to fetch the rows that changed: the list of a parent's children (`GET
 * /v1/twins?parentId=`, one request) when at least `minGroup` of them changed, else each twin
 * (`GET /v1/twins/<id>`). The rows on screen are mostly siblings (a line's machines, a machine's
 * parts), so a plant reporting every second costs a few requests per flush, not one per row.
 */
export function fetchPlan(
  twinIds: readonly string[],
  parentOf: (twinId: string) => string | null | undefined,
  minGroup = 3,
): { parents: string[]; twins: string[] } {
  const byParent = new Map<string, string[]>();
  const twins: string[] = [];
  for (const id of twinIds) {
    const parent = parentOf(id);
    if (parent === null || parent === undefined) twins.push(id);
    else byParent.set(parent, [...(byParent.get(parent) ?? []), id]);
  }
  const parents: string[] = [];
  for (const [parent, children] of byParent) {
    if (children.length >= minGroup) parents.push(parent);
    else twins.push(...children);
  }
  return { parents, twins };
}
