// What the risk budget measures across cycles, kept in the stage 7 risk decision document (field `marks`) so
// nothing depends on the 5 run rows a load returns (spec 4.15, `risk_state_current`: peak equity and its date,
// fees today and their day):
// - the peak equity and when it was seen: the drawdown is measured from it (spec 4.14: (peak - equity) / peak,
//   the worst kept), never from the starting balance;
// - the day-start mark of spec 9.2.16 (dayStartMark: the last net PnL measured before 00:00 UTC) and the fees
//   paid since 00:00 UTC, both rolled when a cycle runs on a new UTC day;
// - the last mark seen of each symbol held: a cycle whose ticker read misses a held symbol values it there,
//   never at 0 (which would read as a crash of that holding: a false drawdown the worst-kept maximum keeps).
// A document without marks (the first cycle) starts from DRY_RUN_TRY_BALANCE and the newest row.
import { CorruptStateError, type ValidationIssue } from '../../domain/errors';
import { utcDayStart } from '../../domain/ledger/ledger-state';
import { type Dec, dec, isDecimalString, maxDec, toPlain, ZERO } from '../../domain/money';
import { dayStartMark, type NetPnlMark } from '../../domain/risk/stage7-risk-budget-daily-pnl';
import type { Stage7RunMetricsRow } from '../../ports/stage7-store';

export interface Stage7Marks {
  readonly peakEquityTry: Dec;
  readonly peakAtMs: number;
  /** 00:00 UTC of the day the day-start mark and the fees are for */
  readonly dayMs: number;
  /** The last net PnL measured before `dayMs` (undefined: none, the account started that day at 0) */
  readonly dayStart: NetPnlMark | undefined;
  readonly feesTodayTry: Dec;
  /** The last mark seen of each symbol held after the cycle that wrote it */
  readonly lastMarks: ReadonlyMap<string, Dec>;
}

/** The marks as the document stores them (decimals as strings) */
export type Stage7MarksRecord = {
  readonly peakEquityTry: string;
  readonly peakAtMs: number;
  readonly dayMs: number;
  readonly dayStart: { readonly atMs: number; readonly netPnlTry: string } | null;
  readonly feesTodayTry: string;
  readonly lastMarks: Readonly<Record<string, string>>;
};

export const marksRecord = (m: Stage7Marks): Stage7MarksRecord => ({
  peakEquityTry: toPlain(m.peakEquityTry),
  peakAtMs: m.peakAtMs,
  dayMs: m.dayMs,
  dayStart: m.dayStart ? { atMs: m.dayStart.atMs, netPnlTry: toPlain(m.dayStart.netPnlTry) } : null,
  feesTodayTry: toPlain(m.feesTodayTry),
  lastMarks: Object.fromEntries([...m.lastMarks].map(([symbol, mark]) => [symbol, toPlain(mark)])),
});

/** @throws CorruptStateError a stored field that is not what marksRecord writes */
export function marksFromRecord(r: Stage7MarksRecord): Stage7Marks {
  const issues: ValidationIssue[] = [];
  const amount = (path: string, v: unknown): Dec => {
    if (typeof v === 'string' && isDecimalString(v)) return dec(v);
    issues.push({ path: `marks.${path}`, message: `expected a decimal string, was ${String(v)}` });
    return ZERO;
  };
  const time = (path: string, v: unknown): number => {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
    issues.push({ path: `marks.${path}`, message: `expected epoch milliseconds, was ${String(v)}` });
    return 0;
  };
  const marks: Stage7Marks = {
    peakEquityTry: amount('peakEquityTry', r.peakEquityTry),
    peakAtMs: time('peakAtMs', r.peakAtMs),
    dayMs: time('dayMs', r.dayMs),
    dayStart: r.dayStart
      ? { atMs: time('dayStart.atMs', r.dayStart.atMs), netPnlTry: amount('dayStart.netPnlTry', r.dayStart.netPnlTry) }
      : undefined,
    feesTodayTry: amount('feesTodayTry', r.feesTodayTry),
    lastMarks: lastMarksOf(r.lastMarks, amount, issues),
  };
  if (issues.length > 0) throw new CorruptStateError('stored stage 7 risk marks', issues);
  return marks;
}

function lastMarksOf(
  stored: unknown,
  amount: (path: string, v: unknown) => Dec,
  issues: ValidationIssue[],
): Map<string, Dec> {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
    issues.push({ path: 'marks.lastMarks', message: `expected an object of prices, was ${String(stored)}` });
    return new Map();
  }
  const marks = new Map<string, Dec>();
  for (const [symbol, v] of Object.entries(stored)) {
    const mark = amount(`lastMarks.${symbol}`, v);
    if (mark.gt(0)) marks.set(symbol, mark);
    else if (isDecimalString(String(v)))
      issues.push({ path: `marks.lastMarks.${symbol}`, message: `expected a price > 0, was ${v}` });
  }
  return marks;
}

const markOf = (r: Stage7RunMetricsRow | undefined): NetPnlMark | undefined =>
  r ? { atMs: r.tsMs, netPnlTry: r.netPnlTry } : undefined;

/**
 * The marks the cycle at `nowMs` decides with, before it trades: the day-start mark and the fees of now's UTC
 * day (rolled to a new day: the previous measurement becomes the mark, the fees start at 0) and the peak so far.
 * `latest` is the newest run row (the previous cycle's measurement).
 */
export function openingMarks(
  kept: Stage7Marks | undefined,
  latest: Stage7RunMetricsRow | undefined,
  nowMs: number,
  startTry: Dec,
): Stage7Marks {
  const dayMs = utcDayStart(nowMs);
  if (!kept)
    return {
      peakEquityTry: maxDec(startTry, latest?.equityTry ?? ZERO),
      peakAtMs: latest?.equityTry.gt(startTry) ? latest.tsMs : nowMs,
      dayMs,
      dayStart: dayStartMark(undefined, markOf(latest), nowMs),
      feesTodayTry: ZERO,
      lastMarks: new Map(),
    };
  const sameDay = kept.dayMs === dayMs;
  return {
    ...kept,
    dayMs,
    dayStart: sameDay ? kept.dayStart : dayStartMark(kept.dayStart, markOf(latest), nowMs),
    feesTodayTry: sameDay ? kept.feesTodayTry : ZERO,
  };
}

/** The prices to value the account at: this cycle's marks, else the last one seen of a held symbol */
export const valuationMarks = (opening: Stage7Marks, current: ReadonlyMap<string, Dec>): ReadonlyMap<string, Dec> =>
  new Map([...opening.lastMarks, ...current]);

/**
 * The marks after the cycle at `nowMs` measured `equityTry`, paid `feesTry` and ended holding `held` (symbols),
 * valued at `marks` (valuationMarks)
 */
export function closingMarks(
  opening: Stage7Marks,
  nowMs: number,
  close: {
    readonly equityTry: Dec;
    readonly feesTry: Dec;
    readonly held: readonly string[];
    readonly marks: ReadonlyMap<string, Dec>;
  },
): Stage7Marks {
  const newPeak = close.equityTry.gt(opening.peakEquityTry);
  const lastMarks = new Map<string, Dec>();
  for (const symbol of [...close.held].sort()) {
    const mark = close.marks.get(symbol);
    if (mark !== undefined) lastMarks.set(symbol, mark);
  }
  return {
    ...opening,
    peakEquityTry: newPeak ? close.equityTry : opening.peakEquityTry,
    peakAtMs: newPeak ? nowMs : opening.peakAtMs,
    feesTodayTry: opening.feesTodayTry.add(close.feesTry),
    lastMarks,
  };
}

/** (peak - equity) / peak, 0 at or above the peak or with no positive peak */
export const drawdownFromPeak = (m: Stage7Marks, equityTry: Dec): Dec =>
  m.peakEquityTry.gt(0) ? maxDec(ZERO, m.peakEquityTry.sub(equityTry).div(m.peakEquityTry)) : ZERO;
