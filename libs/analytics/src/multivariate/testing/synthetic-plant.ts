/**
 * Synthetic sensor data for the detectors' specs: a machine whose speed and power follow a
 * slowly varying load (so they are correlated on the time scale the detector judges), and an
 * independent temperature. Deterministic (seeded), one vector per second.
 */
export interface PlantOptions {
  seed?: number;
  /** Power stops following the load (it mirrors it, staying in its own range) in [from, to). */
  correlationBreak?: [number, number];
  /** Adds `size` to the temperature in each [from, to). */
  offsets?: [number, number, number][];
  /** Temperature drift per step, from step `from` on. */
  drift?: { from: number; perStep: number };
}

export function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/** Standard normal noise (Box-Muller) from a uniform source. */
export function gaussian(next: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

/** Rows of [speed, power, temperature]. */
export function plant(steps: number, options: PlantOptions = {}): number[][] {
  const noise = gaussian(random(options.seed ?? 7));
  const rows: number[][] = [];
  for (let t = 0; t < steps; t++) {
    const load = 50 + 20 * Math.sin((2 * Math.PI * t) / 300);
    const broken =
      options.correlationBreak &&
      t >= options.correlationBreak[0] &&
      t < options.correlationBreak[1];
    const speed = load + noise();
    const power = 10 + 0.5 * (broken ? 100 - load : load) + 0.5 * noise();
    let temperature = 40 + noise();
    for (const [from, to, size] of options.offsets ?? [])
      if (t >= from && t < to) temperature += size;
    if (options.drift && t >= options.drift.from)
      temperature += options.drift.perStep * (t - options.drift.from);
    rows.push([speed, power, temperature]);
  }
  return rows;
}
