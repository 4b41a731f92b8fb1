// Spec 4.2 steps 4, 5 and 8: the exposure snapshot, the latest stage 7 metrics (the previous cycle's run
// metrics row; defaults on the first cycle) and the risk budget v2 decision. The kill switch it honours is
// the STORED one (the kill chain's, spec 4.17): the runtime copy stage 7 forces off never fires it (4.1).
import { hashCanonical } from '../../domain/hashing';
import { type Dec, toPlain, ZERO } from '../../domain/money';
import { CASH_ASSET, type SimulatedAccount } from '../../domain/portfolio/simulated-account';
import {
  decideStage7RiskBudget,
  type Stage7PreviousRiskDecision,
  type Stage7RiskDecision,
} from '../../domain/risk/stage7-risk-budget';
import { dailyPnlSince } from '../../domain/risk/stage7-risk-budget-daily-pnl';
import type { Stage7RunMetricsRow } from '../../ports/stage7-store';
import type { Stage7MarketView } from './cycle-market';
import type { Stage7Marks } from './cycle-marks';
import { rejectRateOf } from './cycle-metrics';
import type { Stage7CycleSettings } from './stage7-settings';

export interface Valuation {
  readonly equityTry: Dec;
  /** Signed base quantity per symbol held (free + locked) */
  readonly positions: ReadonlyMap<string, Dec>;
  readonly exposureHash: string;
}

/** TRY plus every base asset at its mark; an asset without a mark counts 0 */
export function valueAccount(account: SimulatedAccount, marks: ReadonlyMap<string, Dec>, quote: string): Valuation {
  let equityTry = ZERO;
  const positions = new Map<string, Dec>();
  const exposure: Record<string, string> = {};
  for (const [asset, b] of Object.entries(account.balances())) {
    const held = b.free.add(b.locked);
    if (asset === CASH_ASSET) {
      equityTry = equityTry.add(held);
      continue;
    }
    const symbol = `${asset}${quote}`;
    positions.set(symbol, held);
    const value = held.mul(marks.get(symbol) ?? ZERO);
    exposure[symbol] = toPlain(value);
    equityTry = equityTry.add(value);
  }
  // hashed when read: a cycle values the account twice and only the opening valuation's hash is used
  let exposureHash: string | undefined;
  return {
    equityTry,
    positions,
    get exposureHash() {
      exposureHash ??= hashCanonical(exposure);
      return exposureHash;
    },
  };
}

export interface RiskStep {
  readonly decision: Stage7RiskDecision;
  readonly dailyPnlTry: Dec;
}

export function decideStage7Risk(
  args: {
    readonly nowMs: number;
    readonly market: Stage7MarketView;
    readonly latest: Stage7RunMetricsRow | undefined;
    /** The marks of now's UTC day (openingMarks): the day-start mark and the fees paid today */
    readonly marks: Stage7Marks;
    readonly previous: Stage7PreviousRiskDecision | undefined;
    readonly storedKillSwitch: boolean;
    readonly valuation: Valuation;
  },
  s: Stage7CycleSettings,
): RiskStep {
  const { latest, nowMs } = args;
  const dailyPnlTry = dailyPnlSince(args.marks.dayStart, latest?.netPnlTry ?? ZERO, nowMs);
  const decision = decideStage7RiskBudget(
    {
      killSwitch: args.storedKillSwitch,
      exchangeDegraded: args.market.degraded,
      marketDataAgeMs: args.market.dataAgeMs,
      staleAgeMs: 0,
      dailyPnlTry,
      drawdownRatio: latest?.maxDrawdownRatio ?? ZERO,
      feeBurnTodayTry: args.marks.feesTodayTry,
      spreadBps: args.market.spreadBps,
      quoteVolumeTry: args.market.quoteVolumeTry,
      // the previous cycle's: this cycle's orders are decided after the risk budget (step 8 before step 14)
      rejectRate: latest === undefined ? ZERO : rejectRateOf(latest.counts),
      exposureHash: args.valuation.exposureHash,
      previous: args.previous,
    },
    nowMs,
    s,
  );
  return { decision, dailyPnlTry };
}

/** The base assets the account holds, as `<BASE><quote>` symbols */
export const heldSymbols = (v: Valuation): string[] =>
  [...v.positions].filter(([, q]) => q.gt(0)).map(([symbol]) => symbol);
