/**
 * Seeded random numbers for everything that is random in a run: weight init, dropout masks,
 * data shuffling, query generation. xoshiro128** (Blackman & Vigna) seeded through splitmix32;
 * its whole state is four uint32s, so a checkpoint can store it and a resumed run continues
 * the exact same stream.
 */

export type RngState = [number, number, number, number];

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A string label → 32-bit number (FNV-1a), to derive named sub-streams from one seed. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export class Rng {
  private s: Uint32Array;

  constructor(seed: number | RngState = 0) {
    this.s = new Uint32Array(4);
    if (Array.isArray(seed)) {
      this.setState(seed);
    } else {
      if (!Number.isInteger(seed)) throw new Error(`Rng seed must be an integer, got ${seed}`);
      const mix = splitmix32(seed);
      for (let i = 0; i < 4; i++) this.s[i] = mix();
    }
  }

  /** An independent stream for one purpose ("init", "dropout", "shuffle"), same for the same seed. */
  static derive(seed: number, label: string): Rng {
    return new Rng((seed ^ hashLabel(label)) >>> 0);
  }

  /** Next uniform uint32. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n > 0)) throw new Error(`Rng.int needs n > 0, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box–Muller; the second value is discarded so the state stays simple). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }

  /** `n` values from N(0, std²), redrawn beyond 2 std (the truncated normal BERT initialisers use). */
  truncatedNormal(n: number, std: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let v = this.normal();
      while (v < -2 || v > 2) v = this.normal();
      out[i] = v * std;
    }
    return out;
  }

  /** `n` values from N(0, std²). */
  normalArray(n: number, std: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal() * std;
    return out;
  }

  /** In-place Fisher–Yates shuffle; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** Inverted-dropout keep mask: each entry 1/(1-rate) with probability 1-rate, else 0. */
  dropoutMask(n: number, rate: number): Float32Array {
    const out = new Float32Array(n);
    const threshold = rate * 4294967296;
    const scale = 1 / (1 - rate);
    for (let i = 0; i < n; i++) out[i] = this.nextUint32() >= threshold ? scale : 0;
    return out;
  }

  state(): RngState {
    return [this.s[0], this.s[1], this.s[2], this.s[3]];
  }

  setState(state: RngState): void {
    if (state.length !== 4 || state.every((v) => v === 0)) throw new Error(`invalid Rng state ${JSON.stringify(state)}`);
    for (let i = 0; i < 4; i++) this.s[i] = state[i] >>> 0;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
