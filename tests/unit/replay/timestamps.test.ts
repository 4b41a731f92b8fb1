// The dataset's timestamp forms (spec 4.19): ISO-8601 with Z, an offset or naive (= UTC), epoch s and ms; the rest
// (impossible dates, other digit counts, local-time readings) is refused rather than guessed.
import { describe, expect, it } from 'vitest';
import { isoOf, parseTimestampMs } from '../../../local/replay/timestamps';

const T = Date.UTC(2026, 0, 1, 12, 30, 15);

describe('parseTimestampMs', () => {
  it.each([
    ['2026-01-01T12:30:15Z', T],
    ['2026-01-01T12:30:15', T],
    ['2026-01-01 12:30:15', T],
    ['2026-01-01T12:30:15.250Z', T + 250],
    ['2026-01-01T12:30:15.2509999Z', T + 250],
    ['2026-01-01T15:30:15+03:00', T],
    ['2026-01-01T10:30:15-0200', T],
    ['2026-01-01T12:30Z', T - 15_000],
    ['2026-01-01', Date.UTC(2026, 0, 1)],
    ['1767270615', T],
    ['1767270615000', T],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['2024-02-29T23:59:59.999Z', Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
    ['2000-02-29T00:00:00.000Z', Date.UTC(2000, 1, 29)],
  ])('reads %s', (text, ms) => {
    expect(parseTimestampMs(text)).toBe(ms);
  });

  it.each([
    '2026-02-29T00:00:00Z',
    '2026-02-29T00:00:00.000Z',
    '1900-02-29T00:00:00.000Z',
    '2026-01-01T24:00:00.000Z',
    '2026-01-01T00:00:00.0a0Z',
    '2026-01-01T00:00:60.000Z',
    '2026-13-01T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T12:60:00Z',
    '176727061',
    '17672706150',
    '1767270615.5',
    '01/01/2026',
    '',
    'now',
  ])('refuses %j', (text) => {
    expect(parseTimestampMs(text)).toBeUndefined();
  });

  it('reads back what the writers stamp', () => {
    expect(parseTimestampMs(isoOf(T + 7))).toBe(T + 7);
  });
});
