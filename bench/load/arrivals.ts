/**
 * The load's randomness, seeded so two runs offer the same calls: a small PRNG (mulberry32), Poisson
 * arrivals at a rate (exponential gaps), and the exponential and choice draws callers make.
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An exponential draw with the given mean (never 0: a caller waits at least a moment). */
export function exponential(random: Random, mean: number): number {
  return -mean * Math.log(1 - random() * 0.999_999);
}

/** Arrival offsets (ms from the start) of a Poisson process at `perSecond` for `seconds`. */
export function poissonArrivals(random: Random, perSecond: number, seconds: number): number[] {
  const arrivals: number[] = [];
  let at = 0;
  for (;;) {
    at += exponential(random, 1000 / perSecond);
    if (at >= seconds * 1000) return arrivals;
    arrivals.push(at);
  }
}
