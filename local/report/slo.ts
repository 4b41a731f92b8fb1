// SLO status (spec 4.21, 1.15's DOCTOR_SLO_* knobs) over a window of the last `lookback` cycles: the worst
// drawdown ratio, the reject rate and the fill rate, each pass, warn or fail against its thresholds; the
// window's status is the worst of them. Latency is not measured: a run record carries no cycle latency (a
// backtest's would be meaningless anyway), so that check says so instead of passing.
//
// Reject rate: rejected / (submitted + rejected + canceled), stage 7's own share (rejectRateOf). Spec 4.21's
// rejected / submitted does not work on these counts: `submitted` counts the orders that reached the venue and
// were not refused, so a REJECTED order is never in it and the ratio passes 1 when most are refused.
// Fill rate: filled / submitted (a FILLED order is a submitted one); a window with no submitted order has none.

import { rejectRateOf } from '../../shared/application/stage7/cycle-metrics';
import type { Stage7RunRecord } from '../../shared/application/stage7/run-record';
import { type Dec, dec, maxDec, toPlain, ZERO } from '../../shared/domain/money';
import { LastN } from './last-n';

export type SloStatus = 'pass' | 'warn' | 'fail';

export interface SloThresholds {
  /** Cycles per window (DOCTOR_SLO_LOOKBACK) */
  readonly lookback: number;
  readonly maxDrawdownRatio: { readonly warn: Dec; readonly fail: Dec };
  readonly maxRejectRate: { readonly warn: Dec; readonly fail: Dec };
  readonly minFillRate: { readonly warn: Dec; readonly fail: Dec };
}

export interface SloCheck {
  readonly name: 'drawdown_ratio' | 'reject_rate' | 'fill_rate' | 'latency_p95_ms';
  /** Exact decimal text; null when the window cannot measure it */
  readonly value: string | null;
  readonly warn: string | null;
  readonly fail: string | null;
  readonly status: SloStatus | 'not_measured';
  readonly note?: string;
}

export interface SloEvaluation {
  readonly status: SloStatus;
  /** Cycles the window held */
  readonly cycles: number;
  readonly checks: readonly SloCheck[];
}

/** What a window sums */
export interface SloWindowTotals {
  readonly cycles: number;
  readonly maxDrawdownRatio: Dec;
  readonly submitted: number;
  readonly filled: number;
  readonly rejected: number;
  readonly canceled: number;
}

const RANK: Record<SloStatus, number> = { pass: 0, warn: 1, fail: 2 };

const atMost = (value: Dec, t: { readonly warn: Dec; readonly fail: Dec }): SloStatus =>
  value.gt(t.fail) ? 'fail' : value.gt(t.warn) ? 'warn' : 'pass';
const atLeast = (value: Dec, t: { readonly warn: Dec; readonly fail: Dec }): SloStatus =>
  value.lt(t.fail) ? 'fail' : value.lt(t.warn) ? 'warn' : 'pass';

const LATENCY: SloCheck = {
  name: 'latency_p95_ms',
  value: null,
  warn: null,
  fail: null,
  status: 'not_measured',
  note: 'a run record carries no cycle latency',
};

const measured = (
  name: SloCheck['name'],
  value: Dec,
  limits: { readonly warn: Dec; readonly fail: Dec },
  status: SloStatus,
): SloCheck => ({ name, value: toPlain(value), warn: toPlain(limits.warn), fail: toPlain(limits.fail), status });

function fillRateCheck(w: SloWindowTotals, t: SloThresholds): SloCheck {
  if (w.submitted === 0) {
    return {
      name: 'fill_rate',
      value: null,
      warn: toPlain(t.minFillRate.warn),
      fail: toPlain(t.minFillRate.fail),
      status: 'not_measured',
      note: 'no order was submitted in the window',
    };
  }
  const rate = dec(String(w.filled)).div(w.submitted);
  return measured('fill_rate', rate, t.minFillRate, atLeast(rate, t.minFillRate));
}

export function evaluateSlo(w: SloWindowTotals, t: SloThresholds): SloEvaluation {
  const rejectRate = rejectRateOf({ omsSubmitted: w.submitted, omsRejected: w.rejected, omsCanceled: w.canceled });
  const checks: SloCheck[] = [
    measured('drawdown_ratio', w.maxDrawdownRatio, t.maxDrawdownRatio, atMost(w.maxDrawdownRatio, t.maxDrawdownRatio)),
    measured('reject_rate', rejectRate, t.maxRejectRate, atMost(rejectRate, t.maxRejectRate)),
    fillRateCheck(w, t),
    LATENCY,
  ];
  const status = checks.reduce<SloStatus>(
    (worst, c) => (c.status !== 'not_measured' && RANK[c.status] > RANK[worst] ? c.status : worst),
    'pass',
  );
  return { status, cycles: w.cycles, checks };
}

/** The SLO of the window ending at each record, folded oldest first */
export class SloWindow {
  readonly #thresholds: SloThresholds;
  readonly #window: LastN<SloWindowTotals>;

  constructor(thresholds: SloThresholds) {
    this.#thresholds = thresholds;
    this.#window = new LastN(thresholds.lookback);
  }

  add(r: Stage7RunRecord): SloEvaluation {
    this.#window.push({
      cycles: 1,
      maxDrawdownRatio: dec(r.maxDrawdownRatio),
      submitted: r.submitted,
      filled: r.filled,
      rejected: r.rejected,
      canceled: r.canceled,
    });
    const sum = this.#window.items().reduce<SloWindowTotals>(
      (a, b) => ({
        cycles: a.cycles + b.cycles,
        maxDrawdownRatio: maxDec(a.maxDrawdownRatio, b.maxDrawdownRatio),
        submitted: a.submitted + b.submitted,
        filled: a.filled + b.filled,
        rejected: a.rejected + b.rejected,
        canceled: a.canceled + b.canceled,
      }),
      { cycles: 0, maxDrawdownRatio: ZERO, submitted: 0, filled: 0, rejected: 0, canceled: 0 },
    );
    return evaluateSlo(sum, this.#thresholds);
  }
}
