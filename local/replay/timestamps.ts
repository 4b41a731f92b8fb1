// Timestamps of a replay dataset (spec 4.19): ISO-8601 (a trailing Z or an offset; naive = UTC; `T` or a space
// between date and time, as Python's fromisoformat reads them), epoch seconds (10 digits) or epoch milliseconds
// (13 digits). Parsed by hand, not with Date.parse, which reads a naive time as LOCAL time and accepts
// 2026-02-31 by rolling it over. Written back as ISO with milliseconds, which every reader of the format accepts.

const ISO = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?)?(?:(Z)|([+-])(\d\d):?(\d\d))?$/;
const EPOCH_SECONDS = /^\d{10}$/;
const EPOCH_MS = /^\d{13}$/;

/** Epoch milliseconds of a dataset timestamp, or undefined when the text is none of the accepted forms */
export function parseTimestampMs(text: string): number | undefined {
  const written = writtenIsoMs(text);
  if (written !== undefined) return written;
  if (EPOCH_MS.test(text)) return Number(text);
  if (EPOCH_SECONDS.test(text)) return Number(text) * 1000;
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  // sub-millisecond digits are dropped (truncated): a row never becomes visible before its time
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  let offsetMin = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * 60_000;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return (DAYS[month - 1] ?? 0) + (leap ? 1 : 0);
}

const digit = (text: string, i: number): number => {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
};
const digits = (text: string, from: number, n: number): number => {
  let v = 0;
  for (let i = from; i < from + n; i++) v = v * 10 + digit(text, i);
  return v;
};

/**
 * The replay's hot path: the form this project's writers use (`2026-01-01T00:01:00.000Z`) read by position, with
 * no regular expression; undefined for any other text (the general parser then decides)
 */
function writtenIsoMs(text: string): number | undefined {
  if (text.length !== 24 || text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':')
    return undefined;
  if (text[16] !== ':' || text[19] !== '.' || text[23] !== 'Z') return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const ms = digits(text, 20, 3);
  // NaN (a non-digit) fails every comparison below
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month))) return undefined;
  if (!(hour <= 23 && minute <= 59 && second <= 59 && ms >= 0 && year >= 0)) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** How a dataset writer stamps a row: `2026-01-01T00:01:00.000Z` */
export const isoOf = (ms: number): string => new Date(ms).toISOString();
