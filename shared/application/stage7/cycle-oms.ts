// Spec 4.2 step 14 (execution) with 4.10-4.12: the surviving intents through the simulated OMS, then a
// reconcile of every non-terminal order, on the seeded market simulator over the simulated account, the token
// bucket in simulated time and a backoff seeded per client id. Nothing here reaches a venue.
import { Stage7MarketSimulator } from '../../domain/market/stage7-market-simulator';
import type { Dec } from '../../domain/money';
import type { Stage7Intent } from '../../domain/oms/stage7-intent';
import { processIntents, reconcileOpenOrders, type Stage7OmsResult } from '../../domain/oms/stage7-oms';
import { applyStage7Writes, type Stage7OmsState } from '../../domain/oms/stage7-oms-state';
import type { SimulatedAccount } from '../../domain/portfolio/simulated-account';
import { retryDelayMs, stage7BackoffPolicy } from '../../domain/retry-backoff';
import { DEFAULT_GROUP, stage7Budgets, TokenBucket, type TokenBucketState } from '../../domain/token-bucket';
import type { Stage7CycleSettings } from './stage7-settings';

export interface Stage7Execution {
  readonly passes: readonly Stage7OmsResult[];
  /** The OMS state after both passes (what the store holds once the cycle is saved) */
  readonly state: Stage7OmsState;
  readonly account: SimulatedAccount;
  readonly tokenBucket: TokenBucketState;
}

export function executeStage7(
  args: {
    readonly nowMs: number;
    readonly intents: readonly Stage7Intent[];
    readonly state: Stage7OmsState;
    readonly account: SimulatedAccount;
    readonly tokenBucket: TokenBucketState | undefined;
    readonly marks: ReadonlyMap<string, Dec>;
    /** OBSERVE_ONLY: nothing is submitted, open orders are still reconciled */
    readonly submit: boolean;
  },
  s: Stage7CycleSettings,
): Stage7Execution {
  const market = new Stage7MarketSimulator(s, { markPrice: (symbol) => args.marks.get(symbol), account: args.account });
  const bucket = new TokenBucket(stage7Budgets(s), args.tokenBucket ?? {});
  const deps = {
    market,
    limiter: { tryConsume: (nowMs: number) => bucket.tryConsume(DEFAULT_GROUP, 1, nowMs) },
    retryDelayMs: (attempt: number, clientOrderId: string) =>
      retryDelayMs(stage7BackoffPolicy(s, clientOrderId), attempt),
  };
  const passes: Stage7OmsResult[] = [];
  let state = args.state;
  if (args.submit) {
    const pass = processIntents({ state, nowMs: args.nowMs, intents: args.intents }, deps, s);
    passes.push(pass);
    state = applyStage7Writes(state, pass);
  }
  const reconcile = reconcileOpenOrders({ state, nowMs: args.nowMs }, deps, s);
  passes.push(reconcile);
  state = applyStage7Writes(state, reconcile);
  return { passes, state, account: market.account, tokenBucket: bucket.snapshot() };
}
