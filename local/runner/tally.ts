// Small counting helpers of the run's totals (summary.json)

/** Field-wise sum of numeric counters, from `zero` (which names every field) */
export function sumOf<T extends object>(zero: T, items: readonly (T | undefined)[]): T {
  const sum: Record<string, number> = { ...(zero as Record<string, number>) };
  for (const item of items) {
    for (const [k, v] of Object.entries(item ?? {})) if (typeof v === 'number') sum[k] = (sum[k] ?? 0) + v;
  }
  return sum as T;
}

/** How many times each key occurs */
export const tally = (keys: readonly string[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const k of keys) counts[k] = (counts[k] ?? 0) + 1;
  return counts;
};
