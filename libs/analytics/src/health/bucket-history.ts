/** Readings summarised over a span of time: their count and mean. */
export interface Bucket {
  /** Event time of the first and last reading in it, epoch ms. */
  first: number;
  last: number;
  /** Its width in finest buckets: the weight of its mean in a fit. */
  span: number;
  count: number;
  mean: number;
}

export interface BucketHistorySettings {
  /** Width of the finest buckets, ms: readings closer than this are averaged. */
  bucketMs: number;
  /** Buckets kept per resolution before the two oldest are merged into the next coarser one. */
  perLevel: number;
  /** Resolutions kept; past the coarsest, its oldest buckets merge among themselves. */
  levels: number;
}

export const DEFAULT_BUCKET_HISTORY: BucketHistorySettings = {
  bucketMs: 60_000,
  perLevel: 24,
  levels: 16,
};

/**
 * A bounded history of one signal since the last reset: the newest readings at the finest
 * resolution, older ones at resolutions halving with age (an exponential histogram). A
 * component's whole life fits in at most `perLevel * levels` buckets, while the recent past,
 * which decides the remaining life, keeps its detail.
 */
export class BucketHistory {
  /** levels[0] is the finest; within a level, oldest first; every level is older than the one below. */
  private readonly levels: Bucket[][] = [[]];
  private latest = Number.NEGATIVE_INFINITY;

  constructor(private readonly settings: BucketHistorySettings = DEFAULT_BUCKET_HISTORY) {}

  /** Adds a reading; one older than the newest bucket goes into the bucket that covers it (or is dropped). */
  add(at: number, value: number): void {
    const fine = this.levels[0]!;
    const newest = fine[fine.length - 1];
    if (newest && at < newest.first + this.settings.bucketMs && at >= newest.first) {
      absorb(newest, at, value);
    } else if (newest && at < newest.first) {
      const home = this.bucketCovering(at);
      if (home) absorb(home, at, value);
      return;
    } else {
      fine.push({ first: at, last: at, span: 1, count: 1, mean: value });
      this.compact();
    }
    this.latest = Math.max(this.latest, at);
  }

  /** All buckets, oldest first. */
  buckets(): Bucket[] {
    const all: Bucket[] = [];
    for (let level = this.levels.length - 1; level >= 0; level--) all.push(...this.levels[level]!);
    return all;
  }

  /** The finest buckets, oldest first (the recent past at full resolution). */
  recent(): readonly Bucket[] {
    return this.levels[0]!;
  }

  get newestAt(): number | undefined {
    return Number.isFinite(this.latest) ? this.latest : undefined;
  }

  get size(): number {
    return this.levels.reduce((n, level) => n + level.length, 0);
  }

  /** Forgets every bucket that began before `at` (a maintenance reset at that time). */
  dropBefore(at: number): void {
    for (const level of this.levels) {
      const keep = level.filter((b) => b.first >= at);
      level.splice(0, level.length, ...keep);
    }
    if (this.size === 0) this.latest = Number.NEGATIVE_INFINITY;
  }

  private compact(): void {
    const { perLevel, levels } = this.settings;
    for (let i = 0; i < this.levels.length; i++) {
      const level = this.levels[i]!;
      if (level.length <= perLevel) return;
      const merged = merge(level.shift()!, level.shift()!);
      if (i + 1 < levels) {
        if (!this.levels[i + 1]) this.levels.push([]);
        this.levels[i + 1]!.push(merged);
      } else {
        level.unshift(merged);
      }
    }
  }

  private bucketCovering(at: number): Bucket | undefined {
    for (const level of this.levels) {
      for (const bucket of level) {
        if (at >= bucket.first && at <= bucket.last) return bucket;
      }
    }
    return undefined;
  }
}

function absorb(bucket: Bucket, at: number, value: number): void {
  bucket.count += 1;
  bucket.mean += (value - bucket.mean) / bucket.count;
  bucket.first = Math.min(bucket.first, at);
  bucket.last = Math.max(bucket.last, at);
}

function merge(a: Bucket, b: Bucket): Bucket {
  const count = a.count + b.count;
  return {
    first: Math.min(a.first, b.first),
    last: Math.max(a.last, b.last),
    span: a.span + b.span,
    count,
    mean: (a.mean * a.count + b.mean * b.count) / count,
  };
}
