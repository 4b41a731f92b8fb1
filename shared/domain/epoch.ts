// The plausible range of every epoch time the bot reads (stored items, documents): 2010..2100. A value in
// seconds where milliseconds belong, or 1e20, falls outside it and is an input error, never a date.
export const EPOCH_MS_MIN = Date.UTC(2010, 0, 1);
export const EPOCH_MS_MAX = Date.UTC(2100, 0, 1);

export const isPlausibleEpochMs = (n: number): boolean =>
  Number.isSafeInteger(n) && n >= EPOCH_MS_MIN && n <= EPOCH_MS_MAX;
