// The daily PnL input of the stage 7 risk budget (spec 9.2.16): the realized + unrealized PnL change since
// 00:00 UTC, not the cumulative net PnL the reference passes (spec 4.2 step 8). Measured on the ledger's net
// PnL (ledgerReport(...).netTry = realized + unrealized - fees), so the day's fees count against it, as they
// did in the reference's cumulative figure. The ledger's `today` block alone cannot give it: it has the
// day's realized PnL and fees (exact, from event times) but no unrealized PnL at the day start, which needs
// the marks of that moment. So the cycle keeps one mark: the net PnL of its last measurement before the day
// started, rolled forward each cycle in constant space (`dayStartMark`), the same "totals as they stood
// before the day's first event" convention the ledger's `today` block uses.
//
//   dailyPnlTry = netTry(now) - netTry(last mark before 00:00 UTC of now's day)
//
// Exact when that mark was taken at the boundary; otherwise the unrealized move between the mark and
// 00:00 counts as today's (no fill happens outside a cycle, so the realized part and fees are exact).
import { ValidationError, type ValidationIssue } from '../errors';
import { utcDayStart } from '../ledger/ledger-state';
import type { Dec } from '../money';

/** The ledger's net PnL (ledgerReport(...).netTry) as a cycle measured it */
export interface NetPnlMark {
  /** When it was measured (epoch ms) */
  readonly atMs: number;
  readonly netPnlTry: Dec;
}

/**
 * The mark the day's PnL is measured from: the latest mark taken before 00:00 UTC of `nowMs`.
 * `kept` is what the previous cycle returned from this function, `latest` the newest stored mark (the
 * previous cycle's measurement); both undefined on the first cycle. Persist the result with the cycle.
 * undefined: no mark before today, the account started today at net PnL 0.
 * @throws ValidationError a mark after `nowMs`, a `kept` mark that is not before the day `latest` falls in,
 *   a non-finite net PnL, a bad timestamp
 */
export function dayStartMark(
  kept: NetPnlMark | undefined,
  latest: NetPnlMark | undefined,
  nowMs: number,
): NetPnlMark | undefined {
  const issues = [
    ...timeIssues('nowMs', nowMs),
    ...markIssues('kept', kept, nowMs),
    ...markIssues('latest', latest, nowMs),
  ];
  if (kept !== undefined && latest !== undefined && kept.atMs >= utcDayStart(latest.atMs))
    issues.push({
      path: 'kept.atMs',
      message: `expected a mark before ${utcDayStart(latest.atMs)} (the day of the latest mark), was ${kept.atMs}`,
    });
  if (issues.length > 0) throw new ValidationError('stage 7 day start mark', issues);
  const dayStart = utcDayStart(nowMs);
  if (latest !== undefined && latest.atMs < dayStart) return latest;
  // latest is from today: the mark kept by today's earlier cycles is still the last one before the day start
  return kept;
}

/**
 * Spec 9.2.16: net PnL now minus net PnL at the day start (`dayStartMark`; undefined: 0). The result is
 * `Stage7RiskInputs.dailyPnlTry`.
 * @throws ValidationError a day start mark taken on or after 00:00 UTC of `nowMs` (it would hide the day's
 *   earlier PnL), a non-finite amount, a bad timestamp
 */
export function dailyPnlSince(dayStart: NetPnlMark | undefined, netPnlNowTry: Dec, nowMs: number): Dec {
  const issues = [...timeIssues('nowMs', nowMs), ...markIssues('dayStart', dayStart, nowMs)];
  if (!netPnlNowTry.isFinite()) issues.push({ path: 'netPnlNowTry', message: 'expected a finite amount' });
  if (dayStart !== undefined && dayStart.atMs >= utcDayStart(nowMs))
    issues.push({
      path: 'dayStart.atMs',
      message: `expected a mark before the UTC day start ${utcDayStart(nowMs)}, was ${dayStart.atMs}`,
    });
  if (issues.length > 0) throw new ValidationError('stage 7 daily pnl', issues);
  return dayStart === undefined ? netPnlNowTry : netPnlNowTry.sub(dayStart.netPnlTry);
}

function timeIssues(path: string, ms: number): ValidationIssue[] {
  return Number.isSafeInteger(ms) && ms >= 0 ? [] : [{ path, message: `expected epoch milliseconds, was ${ms}` }];
}

function markIssues(path: string, mark: NetPnlMark | undefined, nowMs: number): ValidationIssue[] {
  if (mark === undefined) return [];
  const issues = timeIssues(`${path}.atMs`, mark.atMs);
  if (issues.length === 0 && mark.atMs > nowMs)
    issues.push({ path: `${path}.atMs`, message: `expected a mark at or before nowMs ${nowMs}, was ${mark.atMs}` });
  if (!mark.netPnlTry.isFinite()) issues.push({ path: `${path}.netPnlTry`, message: 'expected a finite amount' });
  return issues;
}
