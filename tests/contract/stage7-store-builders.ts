// Builders for the stage 7 store suites: cycles run through the real OMS, market simulator, account and token
// bucket, and the write a cycle hands the store.
import type { ParamsCheckpoint } from '../../shared/domain/adaptation/adaptation-model';
import { ALERT_FLAGS, QUALITY_FLAGS } from '../../shared/domain/adaptation/stage7-metrics';
import { DEFAULT_SCORE_WEIGHTS, type Stage7Params } from '../../shared/domain/adaptation/stage7-params';
import { type CanonicalValue, canonicalJson } from '../../shared/domain/hashing';
import { Stage7MarketSimulator } from '../../shared/domain/market/stage7-market-simulator';
import { dec } from '../../shared/domain/money';
import type { SimulatedFailure, Stage7Intent } from '../../shared/domain/oms/stage7-intent';
import { processIntents, reconcileOpenOrders, type Stage7OmsResult } from '../../shared/domain/oms/stage7-oms';
import {
  applyStage7Writes,
  EMPTY_STAGE7_OMS_STATE,
  type Stage7OmsState,
} from '../../shared/domain/oms/stage7-oms-state';
import { SimulatedAccount } from '../../shared/domain/portfolio/simulated-account';
import { DEFAULT_GROUP, stage7Budgets, TokenBucket, type TokenBucketState } from '../../shared/domain/token-bucket';
import type { Stage7CycleWrite, Stage7RunMetricsRow, Stage7Store } from '../../shared/ports/stage7-store';
import type { LeaseFence, StateStores } from '../../shared/ports/state-store';

export const T0 = Date.UTC(2024, 0, 2);
export const ACCOUNT = 'default';
const LEASE = 'stage7#default';

/** A stage 7 client id ending in 4 hex digits; an even last digit fills in two slices (spec 4.11) */
export const clientId = (n: number, last: 'even' | 'odd' = 'odd', symbol = 'BTCTRY') =>
  `s7:c1:${symbol}:BUY:${n.toString(16).padStart(11, '0')}${last === 'even' ? '2' : '1'}`;

export const anIntent = (clientOrderId: string, over: Partial<Stage7Intent> = {}): Stage7Intent => ({
  cycleId: 'c1',
  symbol: 'BTCTRY',
  side: 'BUY',
  orderType: 'LIMIT',
  price: dec('100.5'),
  qty: dec('0.25'),
  notionalTry: dec('25.125'),
  clientOrderId,
  reason: 'rebalance',
  skipped: false,
  ...over,
});

export interface OmsCycle {
  readonly passes: Stage7OmsResult[];
  readonly state: Stage7OmsState;
  readonly account: SimulatedAccount;
  readonly bucket: TokenBucketState;
}

/** process_intents then reconcile_open_orders (spec 4.2 step 14) on the real simulator and token bucket */
export function runOms(input: {
  readonly state?: Stage7OmsState;
  readonly intents: readonly Stage7Intent[];
  readonly nowMs: number;
  readonly account?: SimulatedAccount;
  readonly bucket?: TokenBucketState;
  readonly burst?: number;
  readonly failures?: ReadonlyMap<string, readonly SimulatedFailure[]>;
}): OmsCycle {
  const market = new Stage7MarketSimulator(
    { STAGE7_SIM_REJECT_PROB_BPS: 0, STAGE7_SLIPPAGE_BPS: dec('5'), STAGE7_FEES_BPS: dec('10') },
    {
      markPrice: () => undefined,
      account: input.account ?? SimulatedAccount.open({ TRY: dec('100000') }),
      ...(input.failures ? { failures: input.failures } : {}),
    },
  );
  const budgets = stage7Budgets({ STAGE7_RATE_LIMIT_RPS: 1, STAGE7_RATE_LIMIT_BURST: input.burst ?? 1000 });
  const bucket = new TokenBucket(budgets, input.bucket);
  const deps = {
    market,
    limiter: { tryConsume: (nowMs: number) => bucket.tryConsume(DEFAULT_GROUP, 1, nowMs) },
    retryDelayMs: (attempt: number) => attempt * 100,
  };
  const settings = { STAGE7_RETRY_MAX_ATTEMPTS: 3 };
  const before = input.state ?? EMPTY_STAGE7_OMS_STATE;
  const first = processIntents({ state: before, intents: input.intents, nowMs: input.nowMs }, deps, settings);
  const afterFirst = applyStage7Writes(before, first);
  const second = reconcileOpenOrders({ state: afterFirst, nowMs: input.nowMs }, deps, settings);
  return {
    passes: [first, second],
    state: applyStage7Writes(afterFirst, second),
    account: market.account,
    bucket: bucket.snapshot(),
  };
}

const flags = <F extends string>(names: readonly F[], set: readonly F[] = []) =>
  Object.fromEntries(names.map((n) => [n, set.includes(n)])) as Record<F, boolean>;

export const aRunRow = (
  cycleId: string,
  tsMs: number,
  over: Partial<Stage7RunMetricsRow> = {},
): Stage7RunMetricsRow => ({
  cycleId,
  runId: 'run-1',
  tsMs,
  paramVersion: 1,
  modeFinal: 'NORMAL',
  alertFlags: flags(ALERT_FLAGS),
  qualityFlags: flags(QUALITY_FLAGS, ['throttled']),
  netPnlTry: dec('-1.2345'),
  maxDrawdownRatio: dec('0.0125'),
  omsRejectedCount: 1,
  omsThrottledCount: 2,
  counts: {
    planned: 6,
    skipped: 0,
    omsSubmitted: 3,
    omsFilled: 3,
    omsRejected: 1,
    omsCanceled: 0,
    throttledEvents: 2,
    retryEvents: 1,
    retryGiveups: 0,
    missingMarkDecisions: 0,
  },
  noTradesReason: null,
  noMetricsReason: null,
  equityTry: dec('99998.7655'),
  grossPnlTry: dec('-1'),
  feesTry: dec('0.2345'),
  slippageTry: dec('0.0125'),
  turnoverTry: dec('75.375'),
  timingsMs: { selection: 1, planning: 2, intents: 0, oms: 3, ledger: 1, persist: 0, total: 9 },
  ...over,
});

export const aParams = (over: Partial<Stage7Params> = {}): Stage7Params => ({
  universeSize: 20,
  scoreWeights: DEFAULT_SCORE_WEIGHTS,
  orderOffsetBps: dec('5'),
  turnoverCapTry: dec('900.5'),
  maxOrdersPerCycle: 4,
  maxSpreadBps: dec('100'),
  cashTargetTry: dec('300'),
  minQuoteVolumeTry: dec('0'),
  version: 1,
  updatedAtMs: T0,
  ...over,
});

export const aCheckpoint = (params: Stage7Params, isGood = true): ParamsCheckpoint => ({
  params,
  isGood,
  tsMs: params.updatedAtMs,
});

/** The write of one cycle: its OMS passes, account, bucket and run row; more through `over` */
export const aWrite = (
  cycleId: string,
  tsMs: number,
  cycle: Pick<OmsCycle, 'passes' | 'account' | 'bucket'>,
  versions: { readonly account: number; readonly bucket: number },
  over: Partial<Stage7CycleWrite> = {},
): Stage7CycleWrite => ({
  account: ACCOUNT,
  cycleId,
  oms: cycle.passes,
  runMetrics: aRunRow(cycleId, tsMs),
  documents: {
    account: { value: cycle.account.balances(), expectedVersion: versions.account },
    tokenBucket: { value: cycle.bucket, expectedVersion: versions.bucket },
  },
  ...over,
});

export interface Stage7World {
  readonly stores: StateStores;
  readonly store: Stage7Store;
  readonly fence: LeaseFence;
}

export async function stage7World(makeStores: () => Promise<StateStores>): Promise<Stage7World> {
  const stores = await makeStores();
  const lease = await stores.leases.acquire(LEASE, 'inv-a', 60_000, T0);
  if (!lease) throw new Error('expected a free lease');
  return { stores, store: stores.stage7, fence: { name: lease.name, epoch: lease.epoch } };
}

/** Another invocation takes the stage 7 lease over: the first one's fence goes stale */
export async function takeOver(world: Stage7World): Promise<LeaseFence> {
  const lease = await world.stores.leases.acquire(LEASE, 'inv-b', 60_000, T0 + 60_001);
  if (!lease) throw new Error('expected an expired lease');
  return { name: lease.name, epoch: lease.epoch };
}

/** Canonical JSON of a value with maps as objects: equal exactly when the values are, decimals by value */
export function dump(value: unknown): string {
  const plain = (v: unknown): unknown => {
    if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([k, x]) => [k, plain(x)]));
    if (Array.isArray(v)) return v.map(plain);
    if (v !== null && typeof v === 'object' && v.constructor === Object)
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    return v;
  };
  return canonicalJson(plain(value) as CanonicalValue);
}

/** The part of an OMS state that concerns `ids` */
export function only(state: Stage7OmsState, ids: readonly string[]): Stage7OmsState {
  const keep = new Set(ids);
  return {
    orders: new Map([...state.orders].filter(([id]) => keep.has(id))),
    events: new Map([...state.events].filter(([id]) => keep.has(id))),
    idempotency: new Map([...state.idempotency].filter(([key]) => keep.has(key.slice('submit:'.length)))),
  };
}
