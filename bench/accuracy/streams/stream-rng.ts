/** A small seeded generator (splitmix32) with the distributions the stream generator draws from. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  gaussian(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  laplace(): number {
    const u = this.next() - 0.5;
    return -Math.sign(u) * Math.log(1 - 2 * Math.abs(u) + 1e-12);
  }

  /** Student's t with 3 degrees of freedom (heavy tails). */
  student3(): number {
    const chi = this.gaussian() ** 2 + this.gaussian() ** 2 + this.gaussian() ** 2;
    return this.gaussian() / Math.sqrt(chi / 3);
  }

  poisson(mean: number): number {
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.gaussian()));
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = this.next(); p > limit; p *= this.next()) k += 1;
    return k;
  }
}
