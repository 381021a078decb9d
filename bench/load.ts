// A small closed-loop load generator: `concurrency` workers each send their next request as soon
// as the previous one answered. Bounded by the number of requests and a time limit.
export interface PhaseResult {
  phase: string;
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export async function runPhase(
  phase: string,
  count: number,
  concurrency: number,
  request: (i: number) => Promise<boolean>,
  options: { timeLimitMs?: number } = {},
): Promise<PhaseResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const deadline = Date.now() + (options.timeLimitMs ?? 300_000);
  const started = performance.now();
  const worker = async () => {
    while (next < count && Date.now() < deadline) {
      const i = next++;
      const t0 = performance.now();
      let ok = false;
      try {
        ok = await request(i);
      } catch {
        ok = false;
      }
      latencies.push(performance.now() - t0);
      if (!ok) errors++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    phase,
    requests: latencies.length,
    errors,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
  };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Several phases measured side by side: `slices` rounds, each running every phase in turn for
 * `sliceMs` (closed loop, its own concurrency), latencies and time summed per phase. On a shared
 * machine whose load swings within a minute, a ratio of phases interleaved this way holds where
 * one of phases run one after the other does not.
 */
export async function runInterleaved(
  phases: { phase: string; concurrency: number; request: (i: number) => Promise<boolean> }[],
  options: { slices: number; sliceMs: number },
): Promise<PhaseResult[]> {
  const acc = phases.map(() => ({ latencies: [] as number[], errors: 0, seconds: 0 }));
  for (let s = 0; s < options.slices; s++) {
    for (const [k, p] of phases.entries()) {
      const deadline = Date.now() + options.sliceMs;
      const started = performance.now();
      let i = 0;
      const worker = async () => {
        while (Date.now() < deadline) {
          const t0 = performance.now();
          let ok = false;
          try {
            ok = await p.request(i++);
          } catch {
            ok = false;
          }
          acc[k].latencies.push(performance.now() - t0);
          if (!ok) acc[k].errors++;
        }
      };
      await Promise.all(Array.from({ length: p.concurrency }, worker));
      acc[k].seconds += (performance.now() - started) / 1000;
    }
  }
  return phases.map((p, k) => {
    const latencies = acc[k].latencies.sort((a, b) => a - b);
    return {
      phase: p.phase,
      requests: latencies.length,
      errors: acc[k].errors,
      seconds: acc[k].seconds,
      rps: latencies.length / acc[k].seconds,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
    };
  });
}
