// The report's fail-closed financial validations (spec 4.21, adapted to run folders), folded over the records
// oldest first. A required field that is missing or malformed never gets here: the record schema refuses the
// line (bad input, exit 2). What the schema cannot see is checked here:
// - timestamps: each cycle strictly after the one before it, and `ts` the ISO text of `tsMs`;
// - net PnL: the identity stage 7's run metrics row really keeps (shared/application/stage7/cycle-metrics.ts)
//   is gross = net + fees, fees being cumulative over the run, so |net - (gross - fees)| <= 0.01 TRY. Spec
//   4.21 also subtracts funding and slippage: stage 7 has no funding, and its slippage (|fill - limit| x qty,
//   this cycle's fills only) is already inside the fill prices, hence inside equity and net: subtracting it
//   again would count it twice;
// - drawdown ratio in [0, 1] (the schema already refuses a negative one).
import type { Stage7RunRecord } from '../../shared/application/stage7/run-record';
import { type Dec, dec, toPlain } from '../../shared/domain/money';

export const NET_TOLERANCE_TRY: Dec = dec('0.01');
/** Findings kept word for word; the count goes on past them */
const KEPT = 100;

export type ValidationCheck = 'timestamps_monotonic' | 'ts_text' | 'net_identity' | 'drawdown_range';

export interface ValidationFinding {
  readonly cycleId: string;
  readonly ts: string;
  readonly check: ValidationCheck;
  readonly message: string;
}

export class RunValidator {
  #previous: Pick<Stage7RunRecord, 'tsMs' | 'ts' | 'cycleId'> | undefined;
  #count = 0;
  readonly #kept: ValidationFinding[] = [];

  add(r: Stage7RunRecord): void {
    const prev = this.#previous;
    if (prev !== undefined && r.tsMs <= prev.tsMs) {
      this.#find(r, 'timestamps_monotonic', `expected a time after ${prev.ts} (cycle ${prev.cycleId}), was ${r.ts}`);
    }
    const text = new Date(r.tsMs).toISOString();
    if (r.ts !== text) this.#find(r, 'ts_text', `expected ts ${text} (tsMs ${r.tsMs}), was ${r.ts}`);
    const net = dec(r.netPnlTry);
    const expected = dec(r.grossPnlTry).sub(dec(r.feesTry));
    if (net.sub(expected).abs().gt(NET_TOLERANCE_TRY)) {
      this.#find(
        r,
        'net_identity',
        `expected net PnL ${toPlain(expected)} TRY (gross ${r.grossPnlTry} - fees ${r.feesTry}) within ` +
          `${toPlain(NET_TOLERANCE_TRY)}, was ${r.netPnlTry}`,
      );
    }
    if (dec(r.maxDrawdownRatio).gt(1)) {
      this.#find(r, 'drawdown_range', `expected a max drawdown ratio in [0, 1], was ${r.maxDrawdownRatio}`);
    }
    this.#previous = { tsMs: r.tsMs, ts: r.ts, cycleId: r.cycleId };
  }

  get errorCount(): number {
    return this.#count;
  }

  /** The first findings, in record order */
  get errors(): readonly ValidationFinding[] {
    return this.#kept;
  }

  #find(r: Stage7RunRecord, check: ValidationCheck, message: string): void {
    this.#count += 1;
    if (this.#kept.length < KEPT) this.#kept.push({ cycleId: r.cycleId, ts: r.ts, check, message });
  }
}
