// Return statistics of an equity curve, the summary a Freqtrade user reads: total return, max drawdown,
// Sharpe and Sortino. The curve starts at the opening balance and has one point per cycle. Period basis:
// per-cycle simple returns r = equity / previous equity - 1, annualised by sqrt(periods per year) with
// periods per year = 365 days / the run's step (525,600 at 60 s), risk-free rate 0:
//   Sharpe  = mean(r) / sample standard deviation(r) x sqrt(periods per year)
//   Sortino = mean(r) / downside deviation x sqrt(periods per year), downside deviation =
//             sqrt(sum(min(r, 0)^2) / n) (target 0, over every period)
// Either is null when undefined: fewer than 2 returns, no dispersion, or (Sortino) no losing period.
// Folded point by point in decimal arithmetic (sums of r and r^2 at 40 significant digits), so a long run
// needs no array of returns and the figures do not depend on float rounding.
import { type DrawdownTrack, trackDrawdown } from '../../shared/domain/ledger/ledger-report';
import { type Dec, dec, ZERO } from '../../shared/domain/money';

export const YEAR_SECONDS = 365 * 86_400;

export interface ReturnStats {
  readonly opening: Dec;
  readonly final: Dec;
  /** (final - opening) / opening x 100; null when the opening balance is 0 */
  readonly totalReturnPct: Dec | null;
  /** Largest fall below the running peak, x 100 */
  readonly maxDrawdownPct: Dec;
  readonly periods: number;
  readonly periodsPerYear: Dec;
  readonly sharpe: Dec | null;
  readonly sortino: Dec | null;
}

export class EquityCurve {
  readonly #opening: Dec;
  readonly #periodsPerYear: Dec;
  #last: Dec;
  #drawdown: DrawdownTrack;
  #n = 0;
  #sum: Dec = ZERO;
  #sumSq: Dec = ZERO;
  #downSq: Dec = ZERO;

  /** @param stepSeconds the run's cycle step: the period the returns are measured over */
  constructor(opening: Dec, stepSeconds: number) {
    this.#opening = opening;
    this.#last = opening;
    this.#periodsPerYear = dec(String(YEAR_SECONDS)).div(stepSeconds);
    this.#drawdown = trackDrawdown(undefined, opening);
  }

  add(equity: Dec): void {
    // a period that starts from 0 TRY has no return (the account is empty): it is left out
    if (this.#last.gt(0)) {
      const r = equity.div(this.#last).sub(1);
      this.#n += 1;
      this.#sum = this.#sum.add(r);
      this.#sumSq = this.#sumSq.add(r.mul(r));
      if (r.lt(0)) this.#downSq = this.#downSq.add(r.mul(r));
    }
    this.#last = equity;
    this.#drawdown = trackDrawdown(this.#drawdown, equity);
  }

  stats(): ReturnStats {
    const n = this.#n;
    const annual = this.#periodsPerYear.sqrt();
    const mean = n > 0 ? this.#sum.div(n) : ZERO;
    const variance = n > 1 ? this.#sumSq.sub(this.#sum.mul(this.#sum).div(n)).div(n - 1) : ZERO;
    const downside = n > 0 ? this.#downSq.div(n).sqrt() : ZERO;
    return {
      opening: this.#opening,
      final: this.#last,
      totalReturnPct: this.#opening.gt(0) ? this.#last.sub(this.#opening).div(this.#opening).mul(100) : null,
      maxDrawdownPct: this.#drawdown.maxDrawdown.mul(100),
      periods: n,
      periodsPerYear: this.#periodsPerYear,
      // a variance that rounding left a hair below 0 is no dispersion
      sharpe: n > 1 && variance.gt(0) ? mean.div(variance.sqrt()).mul(annual) : null,
      sortino: n > 1 && downside.gt(0) ? mean.div(downside).mul(annual) : null,
    };
  }
}
