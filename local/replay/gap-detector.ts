// Finds the gaps of a candle series while it streams by. A series' interval is the median step between its
// first SAMPLE_STEPS + 1 rows (steps of 0, equal times, do not count); a step longer than 1.5 intervals is a gap:
// at least one whole bar is missing (1.5, not 1, so a captured series polled with a little jitter has none).
// Steps seen before the interval is known are held (a few numbers) and judged once it is.

export const SAMPLE_STEPS = 32;

export interface Gap<T> {
  readonly fromMs: number;
  readonly toMs: number;
  /** The caller's tags of the two rows (e.g. their lines) */
  readonly from: T;
  readonly to: T;
  readonly intervalMs: number;
}

/** The lower median of the positive steps between `times`, or undefined when there is none */
export function medianStep(times: readonly number[]): number | undefined {
  const steps: number[] = [];
  for (let i = 1; i < times.length; i++) {
    const step = (times[i] ?? 0) - (times[i - 1] ?? 0);
    if (step > 0) steps.push(step);
  }
  steps.sort((a, b) => a - b);
  return steps[Math.floor((steps.length - 1) / 2)];
}

export class GapDetector<T> {
  readonly #onGap: (gap: Gap<T>) => void;
  #held: { readonly ms: number; readonly tag: T }[] = [];
  #intervalMs: number | undefined;
  #decided = false;
  #prev: { ms: number; tag: T } | undefined;

  constructor(onGap: (gap: Gap<T>) => void) {
    this.#onGap = onGap;
  }

  /** The series' interval once known (after SAMPLE_STEPS + 1 rows, or at finish) */
  get intervalMs(): number | undefined {
    return this.#intervalMs;
  }

  push(ms: number, tag: T): void {
    if (this.#decided) {
      this.#judge(ms, tag);
      return;
    }
    this.#held.push({ ms, tag });
    if (this.#held.length > SAMPLE_STEPS) this.finish();
  }

  /** Decides the interval from the rows held so far (a short series) and judges them */
  finish(): void {
    if (this.#decided) return;
    this.#decided = true;
    this.#intervalMs = medianStep(this.#held.map((h) => h.ms));
    for (const h of this.#held) this.#judge(h.ms, h.tag);
    this.#held = [];
  }

  #judge(ms: number, tag: T): void {
    const prev = this.#prev;
    this.#prev = { ms, tag };
    const interval = this.#intervalMs;
    // integer arithmetic: step > 1.5 x interval
    if (prev !== undefined && interval !== undefined && 2 * (ms - prev.ms) > 3 * interval)
      this.#onGap({ fromMs: prev.ms, toMs: ms, from: prev.tag, to: tag, intervalMs: interval });
  }
}
