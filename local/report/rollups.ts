// Daily and weekly rollups of a run (spec 4.21): the cycles of each UTC day or ISO week folded into one row.
// PnL is the equity change over the bucket (from the equity before its first cycle), fees and turnover the
// bucket's own fills (the row's fees are cumulative, its turnover per cycle), drawdown the worst ratio reached.
import type { Stage7RunRecord } from '../../shared/application/stage7/run-record';
import { DAY_MS, utcDayStart } from '../../shared/domain/ledger/ledger-state';
import { type Dec, dec, maxDec, toPlain, ZERO } from '../../shared/domain/money';

export interface RollupRow {
  /** `2026-11-21` (UTC day) or `2026-W47` (ISO week) */
  readonly bucket: string;
  readonly cycles: number;
  readonly firstTs: string;
  readonly lastTs: string;
  readonly equityEndTry: string;
  readonly pnlTry: string;
  readonly feesTry: string;
  readonly turnoverTry: string;
  readonly fills: number;
  readonly rejected: number;
  /** Cycles with any alert flag */
  readonly alertCycles: number;
  readonly maxDrawdownRatio: string;
}

/** The UTC day of an epoch ms: `2026-11-21` */
export const dayKey = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The ISO 8601 week of an epoch ms (weeks start Monday; week 1 holds the year's first Thursday): `2020-W53` */
export function isoWeekKey(ms: number): string {
  const weekday = (new Date(ms).getUTCDay() + 6) % 7;
  const thursday = utcDayStart(ms) + (3 - weekday) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY_MS));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

interface Bucket {
  readonly bucket: string;
  readonly equityBefore: Dec;
  cycles: number;
  firstTs: string;
  lastTs: string;
  equityEnd: Dec;
  fees: Dec;
  turnover: Dec;
  fills: number;
  rejected: number;
  alertCycles: number;
  maxDrawdown: Dec;
}

/** Folds records oldest first into one row per bucket; memory grows with the buckets, not the cycles */
export class Rollup {
  readonly #keyOf: (ms: number) => string;
  readonly #done: RollupRow[] = [];
  #open: Bucket | undefined;
  #equity: Dec | undefined;

  constructor(keyOf: (ms: number) => string) {
    this.#keyOf = keyOf;
  }

  add(r: Stage7RunRecord): void {
    const key = this.#keyOf(r.tsMs);
    const equity = dec(r.equityTry);
    // the account's opening balance: net PnL runs from it (net = equity - opening)
    const before = this.#equity ?? equity.sub(dec(r.netPnlTry));
    if (this.#open?.bucket !== key) {
      if (this.#open) this.#done.push(rowOf(this.#open));
      this.#open = {
        bucket: key,
        equityBefore: before,
        cycles: 0,
        firstTs: r.ts,
        lastTs: r.ts,
        equityEnd: equity,
        fees: ZERO,
        turnover: ZERO,
        fills: 0,
        rejected: 0,
        alertCycles: 0,
        maxDrawdown: ZERO,
      };
    }
    const b = this.#open;
    b.cycles += 1;
    b.lastTs = r.ts;
    b.equityEnd = equity;
    b.fees = r.fills.reduce((sum, f) => sum.add(dec(f.feeTry)), b.fees);
    b.turnover = b.turnover.add(dec(r.turnoverTry));
    b.fills += r.fills.length;
    b.rejected += r.rejected;
    if (r.alertFlags.length > 0) b.alertCycles += 1;
    b.maxDrawdown = maxDec(b.maxDrawdown, dec(r.maxDrawdownRatio));
    this.#equity = equity;
  }

  /** Oldest first */
  rows(): RollupRow[] {
    return this.#open ? [...this.#done, rowOf(this.#open)] : [...this.#done];
  }
}

const rowOf = (b: Bucket): RollupRow => ({
  bucket: b.bucket,
  cycles: b.cycles,
  firstTs: b.firstTs,
  lastTs: b.lastTs,
  equityEndTry: toPlain(b.equityEnd),
  pnlTry: toPlain(b.equityEnd.sub(b.equityBefore)),
  feesTry: toPlain(b.fees),
  turnoverTry: toPlain(b.turnover),
  fills: b.fills,
  rejected: b.rejected,
  alertCycles: b.alertCycles,
  maxDrawdownRatio: toPlain(b.maxDrawdown),
});
