// Reads a 429's wait: `Retry-After` or `x-retry-after` (a 2021 staff reply's name), any case, as
// non-negative seconds or an HTTP date (delta to now, floored at 0). Anything else is ignored.
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return typeof value === 'string' ? value : value?.[0];
  }
  return undefined;
}

export function retryAfterMs(headers: HeaderBag, nowMs: number): number | undefined {
  for (const name of ['retry-after', 'x-retry-after']) {
    const raw = headerValue(headers, name)?.trim();
    if (raw === undefined || raw === '') continue;
    if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
    const at = Date.parse(raw);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  return undefined;
}
