/** The value below which `p` % of `sorted` (ascending) lie; for the benchmarks' latency figures. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
