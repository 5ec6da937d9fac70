/**
 * Progress with rate and ETA: a live bar (cli-progress) in a terminal, and a plain line every
 * few seconds elsewhere (notebooks, CI logs), where redrawing would only add noise.
 */
import { SingleBar, Presets } from "cli-progress";

export interface Progress {
  update(done: number, fields?: Record<string, string | number>): void;
  stop(): void;
}

export function progress(label: string, total: number, enabled = true): Progress {
  if (!enabled) return { update() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {value}/{total} | {rate} steps/s | ETA {eta_formatted} | {info}`, stream: process.stderr, hideCursor: true },
      Presets.shades_classic,
    );
    const start = Date.now();
    bar.start(total, 0, { rate: "0", info: "" });
    return {
      update(done, fields = {}) {
        const rate = (done / Math.max(1e-9, (Date.now() - start) / 1000)).toFixed(2);
        bar.update(done, { rate, info: Object.entries(fields).map(([k, v]) => `${k} ${v}`).join(" ") });
      },
      stop: () => bar.stop(),
    };
  }
  const start = Date.now();
  let lastPrint = 0;
  return {
    update(done, fields = {}) {
      const now = Date.now();
      if (now - lastPrint < 10_000 && done < total) return;
      lastPrint = now;
      const seconds = (now - start) / 1000;
      const eta = done > 0 ? ((total - done) * seconds) / done : NaN;
      const info = Object.entries(fields).map(([k, v]) => `${k} ${v}`).join(" ");
      console.log(`${label} ${done}/${total} (${(done / Math.max(seconds, 1e-9)).toFixed(2)}/s, ETA ${Number.isFinite(eta) ? eta.toFixed(0) + " s" : "?"}) ${info}`);
    },
    stop() {},
  };
}
