// The simulated stage 7 OMS, rule by rule (spec 4.10, with 4.11's slicing and 4.12's throttling example):
// identities, each processing step, retries, reconcile, re-runs after a crash, and every refusal.
import { describe, expect, it } from 'vitest';
import {
  CorruptStateError,
  NonRetryableSubmitError,
  TradingError,
  ValidationError,
} from '../../../../shared/domain/errors';
import { type CanonicalValue, canonicalJson, sha256Hex } from '../../../../shared/domain/hashing';
import { Stage7MarketSimulator } from '../../../../shared/domain/market/stage7-market-simulator';
import { type Dec, dec } from '../../../../shared/domain/money';
import type {
  SimulatedFailure,
  SimulatedSubmitOutcome,
  Stage7Intent,
  Stage7Market,
} from '../../../../shared/domain/oms/stage7-intent';
import {
  processIntents,
  reconcileOpenOrders,
  type Stage7OmsDeps,
  type Stage7RateLimiter,
} from '../../../../shared/domain/oms/stage7-oms';
import {
  applyStage7Writes,
  EMPTY_STAGE7_OMS_STATE,
  type Stage7OmsState,
  type Stage7OrderEvent,
  stage7EventId,
  stage7IdempotencyKey,
  stage7IntentHash,
  stage7OrderId,
} from '../../../../shared/domain/oms/stage7-oms-state';
import { SimulatedAccount } from '../../../../shared/domain/portfolio/simulated-account';
import { retryDelayMs as backoffDelayMs, stage7BackoffPolicy } from '../../../../shared/domain/retry-backoff';
import { DEFAULT_GROUP, TokenBucket } from '../../../../shared/domain/token-bucket';

const T0 = 1_700_000_000_000;
const SETTINGS = { STAGE7_RETRY_MAX_ATTEMPTS: 3 };
// Last hex digits: odd -> one slice, even -> two slices in the real simulator (4.11)
const A = 's7:c1:BTCTRY:BUY:aaaaaaaaaaa1';
const B = 's7:c1:ETHTRY:BUY:bbbbbbbbbbb3';
const C = 's7:c1:SOLTRY:SELL:ccccccccccc5';

function anIntent(clientOrderId: string, over: Partial<Stage7Intent> = {}): Stage7Intent {
  return {
    cycleId: 'c1',
    symbol: 'BTCTRY',
    side: 'BUY',
    orderType: 'LIMIT',
    price: dec('100'),
    qty: dec('1'),
    notionalTry: dec('100'),
    clientOrderId,
    reason: 'rebalance',
    skipped: false,
    ...over,
  };
}

type Answer = { readonly failure: SimulatedFailure } | { readonly outcome: SimulatedSubmitOutcome };
const fill = (...slices: [string, string][]): Answer => ({
  outcome: { kind: 'filled', slices: slices.map(([qty, price]) => ({ qty: dec(qty), price: dec(price) })) },
});
const fail = (failure: SimulatedFailure): Answer => ({ failure });

/** Answers by (client id, attempt) from a script; unscripted: one slice at the limit price */
class ScriptedMarket implements Stage7Market {
  readonly calls: { clientOrderId: string; attempt: number; reason: string }[] = [];
  constructor(private readonly scripts: Readonly<Record<string, readonly Answer[]>> = {}) {}
  submit(intent: Stage7Intent, attempt: number): Answer {
    this.calls.push({ clientOrderId: intent.clientOrderId, attempt, reason: intent.reason });
    return this.scripts[intent.clientOrderId]?.[attempt - 1] ?? fill([intent.qty.toFixed(), intent.price.toFixed()]);
  }
}

class CountingLimiter implements Stage7RateLimiter {
  asked = 0;
  constructor(private readonly bucket?: TokenBucket) {}
  tryConsume(nowMs: number) {
    this.asked += 1;
    return this.bucket ? this.bucket.tryConsume(DEFAULT_GROUP, 1, nowMs) : ({ ok: true } as const);
  }
}

const bucket = (burst: number, rps: number) => new TokenBucket({ [DEFAULT_GROUP]: { ratePerSecond: rps, burst } });

function deps(over: Partial<Stage7OmsDeps> = {}): Stage7OmsDeps {
  return { market: new ScriptedMarket(), limiter: new CountingLimiter(), retryDelayMs: (n) => n * 100, ...over };
}

function run(
  state: Stage7OmsState,
  intents: readonly Stage7Intent[],
  d: Stage7OmsDeps,
  nowMs = T0,
  cancelRequested?: ReadonlySet<string>,
) {
  const result = processIntents(
    { state, intents, nowMs, ...(cancelRequested ? { cancelRequested } : {}) },
    d,
    SETTINGS,
  );
  return { result, state: applyStage7Writes(state, result) };
}

const types = (events: readonly Stage7OrderEvent[], id?: string) =>
  events.filter((e) => id === undefined || e.clientOrderId === id).map((e) => e.type);
const plain = (x: Dec | undefined) => x?.toFixed();
const dump = (value: unknown) => canonicalJson(value as CanonicalValue);

describe('identities (spec 4.10)', () => {
  it('derives order ids, event ids and seqs from the client id', () => {
    const { result } = run(EMPTY_STAGE7_OMS_STATE, [anIntent(A)], deps());
    expect(result.orders[0]?.orderId).toBe(`s7o:${sha256Hex(A).slice(0, 12)}`);
    expect(result.events.map((e) => [e.seq, e.eventId])).toEqual(
      ['SUBMIT_REQUESTED', 'ACKED', 'FILLED'].map((t, i) => [
        i + 1,
        `s7e:${sha256Hex(`${A}:${i + 1}:${t}`).slice(0, 12)}`,
      ]),
    );
    expect(stage7OrderId(A)).toBe(result.orders[0]?.orderId);
    expect(stage7EventId(A, 3, 'FILLED')).toBe(result.events[2]?.eventId);
  });

  it('hashes what the order is, not why: the reason does not change the hash, the quantity does', () => {
    const h = stage7IntentHash(anIntent(A));
    expect(stage7IntentHash(anIntent(A, { reason: 'reconcile' }))).toBe(h);
    expect(stage7IntentHash(anIntent(A, { qty: dec('2') }))).not.toBe(h);
    expect(stage7IntentHash(anIntent(A, { qty: dec('1.0') }))).toBe(h); // decimals hash by value
  });
});

describe('process_intents, steps 1-11 (spec 4.10)', () => {
  it('fills a one-slice order: SUBMIT_REQUESTED, ACKED, FILLED, and registers submit:{client id}', () => {
    const market = new ScriptedMarket({ [A]: [fill(['1', '100.5'])] });
    const { result } = run(EMPTY_STAGE7_OMS_STATE, [anIntent(A)], deps({ market }));
    expect(types(result.events)).toEqual(['SUBMIT_REQUESTED', 'ACKED', 'FILLED']);
    const order = result.orders[0];
    expect([order?.status, plain(order?.filledQty), plain(order?.avgFillPrice)]).toEqual(['FILLED', '1', '100.5']);
    expect(result.idempotencyKeys).toEqual([
      { key: `submit:${A}`, payloadHash: stage7IntentHash(anIntent(A)), tsMs: T0, passId: `intents:${T0}` },
    ]);
    expect(market.calls).toEqual([{ clientOrderId: A, attempt: 1, reason: 'rebalance' }]);
  });

  it('records two slices as PARTIAL_FILL (first slice) then FILLED (total) at the qty-weighted average', () => {
    // 4.11: first slice = qty x 0.6, second = remainder
    const market = new ScriptedMarket({ [A]: [fill(['0.6', '100'], ['0.4', '101'])] });
    const { result } = run(EMPTY_STAGE7_OMS_STATE, [anIntent(A)], deps({ market }));
    expect(types(result.events)).toEqual(['SUBMIT_REQUESTED', 'ACKED', 'PARTIAL_FILL', 'FILLED']);
    const [, , partial, filled] = result.events;
    expect(partial?.type === 'PARTIAL_FILL' && [plain(partial.qty), plain(partial.price)]).toEqual(['0.6', '100']);
    expect(filled?.type === 'FILLED' && [plain(filled.qty), plain(filled.avgPrice)]).toEqual(['1', '100.4']);
    expect(plain(result.orders[0]?.avgFillPrice)).toBe('100.4');
  });

  it('rejects on a simulated reject after SUBMIT_REQUESTED and ACKED (sim_reject)', () => {
    const market = new ScriptedMarket({ [A]: [{ outcome: { kind: 'rejected', reason: 'sim_reject' } }] });
    const { result } = run(EMPTY_STAGE7_OMS_STATE, [anIntent(A)], deps({ market }));
    expect(types(result.events)).toEqual(['SUBMIT_REQUESTED', 'ACKED', 'REJECTED']);
    expect(result.events[2]).toMatchObject({ reason: 'sim_reject', detail: 'sim_reject' });
    expect(result.orders[0]).toMatchObject({ status: 'REJECTED', statusReason: 'sim_reject' });
  });

  it.each([
    ['qty', { qty: dec('0') }],
    ['price', { price: dec('-1') }],
    ['notional', { notionalTry: dec('0') }],
  ])('rejects an intent with a non-positive %s (invalid_price_or_qty) before the limiter and the market', (_, over) => {
    const market = new ScriptedMarket();
    const limiter = new CountingLimiter();
    const { result } = run(EMPTY_STAGE7_OMS_STATE, [anIntent(A, over)], deps({ market, limiter }));
    expect(result.events.map((e) => [e.type, 'reason' in e ? e.reason : undefined])).toEqual([
      ['REJECTED', 'invalid_price_or_qty'],
    ]);
    expect([market.calls.length, limiter.asked, result.idempotencyKeys.length]).toEqual([0, 0, 0]);
  });

  it('cancels an order in the cancel set (cancel_requested) without submitting it', () => {
    const market = new ScriptedMarket();
    const { result } = run(EMPTY_STAGE7_OMS_STATE, [anIntent(A), anIntent(B)], deps({ market }), T0, new Set([A]));
    expect(types(result.events, A)).toEqual(['CANCELED']);
    expect(result.orders.find((o) => o.clientOrderId === A)).toMatchObject({
      status: 'CANCELED',
      statusReason: 'cancel_requested',
    });
    expect(market.calls.map((c) => c.clientOrderId)).toEqual([B]);
  });

  it('ignores a terminal order presented again (DUPLICATE_IGNORED terminal_order) and spends no token on it', () => {
    const first = run(EMPTY_STAGE7_OMS_STATE, [anIntent(A)], deps());
    const market = new ScriptedMarket();
    const limiter = new CountingLimiter(bucket(1, 1));
    const again = run(first.state, [anIntent(A), anIntent(B)], deps({ market, limiter }), T0 + 1000);
    expect(again.result.events.filter((e) => e.clientOrderId === A).map((e) => [e.seq, e.type])).toEqual([
      [4, 'DUPLICATE_IGNORED'],
    ]);
    expect(again.result.events.find((e) => e.clientOrderId === A)).toMatchObject({ reason: 'terminal_order' });
    expect(types(again.result.events, B)).toEqual(['SUBMIT_REQUESTED', 'ACKED', 'FILLED']); // B got the one token
    expect(market.calls.map((c) => c.clientOrderId)).toEqual([B]);
    expect(again.state.orders.get(A)?.status).toBe('FILLED');
  });

  it('processes intents in client id order, whatever order they come in', () => {
    const limiter = new CountingLimiter(bucket(1, 1));
    const { result } = run(EMPTY_STAGE7_OMS_STATE, [anIntent(C), anIntent(B), anIntent(A)], deps({ limiter }));
    expect(result.events.map((e) => e.clientOrderId)).toEqual([A, A, A, B, C]);
    expect(types(result.events, A)).toEqual(['SUBMIT_REQUESTED', 'ACKED', 'FILLED']); // the smallest id got the token
    expect([types(result.events, B), types(result.events, C)]).toEqual([['THROTTLED'], ['THROTTLED']]);
  });

  it('leaves skipped intents out entirely (step 1)', () => {
    const market = new ScriptedMarket();
    const { result } = run(EMPTY_STAGE7_OMS_STATE, [anIntent(A, { skipped: true, skipReason: 'x' })], deps({ market }));
    expect([result.orders, result.events, result.idempotencyKeys, market.calls]).toEqual([[], [], [], []]);
  });
});

describe('throttling, then completion on reconcile (spec 4.10 step 6, 4.12)', () => {
  it('throttles past the burst, keeps the order PLANNED, and a reconcile 1.2 s later completes it', () => {
    // 4.12's example: burst 1, rps 1 -> a second immediate consume fails; after 1.2 s it succeeds
    const tokens = bucket(1, 1);
    const market = new ScriptedMarket();
    const d = deps({ market, limiter: new CountingLimiter(tokens) });
    const first = run(EMPTY_STAGE7_OMS_STATE, [anIntent(A), anIntent(B)], d);
    expect(types(first.result.events, B)).toEqual(['THROTTLED']);
    expect(first.result.events.find((e) => e.clientOrderId === B)).toMatchObject({ nextEligibleMs: T0 + 1000 });
    expect(first.state.orders.get(B)?.status).toBe('PLANNED');
    expect(first.state.idempotency.has(stage7IdempotencyKey(B))).toBe(false); // registered only once submitted

    const early = reconcileOpenOrders({ state: first.state, nowMs: T0 + 500 }, d, SETTINGS);
    expect(early.events.map((e) => [e.clientOrderId, e.type])).toEqual([[B, 'THROTTLED']]);
    const afterEarly = applyStage7Writes(first.state, early);

    const later = reconcileOpenOrders({ state: afterEarly, nowMs: T0 + 1200 }, d, SETTINGS);
    expect(later.events.map((e) => [e.clientOrderId, e.seq, e.type, e.passId])).toEqual([
      [B, 3, 'SUBMIT_REQUESTED', `reconcile:${T0 + 1200}`],
      [B, 4, 'ACKED', `reconcile:${T0 + 1200}`],
      [B, 5, 'FILLED', `reconcile:${T0 + 1200}`],
    ]);
    expect(applyStage7Writes(afterEarly, later).orders.get(B)).toMatchObject({
      status: 'FILLED',
      intentReason: 'rebalance',
      updatedAtMs: T0 + 1200,
    });
    expect(market.calls.at(-1)).toEqual({ clientOrderId: B, attempt: 1, reason: 'reconcile' });
  });

  it('reconciles only orders that are not terminal', () => {
    const first = run(EMPTY_STAGE7_OMS_STATE, [anIntent(A), anIntent(B)], deps(), T0, new Set([B]));
    const market = new ScriptedMarket();
    const result = reconcileOpenOrders({ state: first.state, nowMs: T0 + 1 }, deps({ market }), SETTINGS);
    expect([result.events, result.orders, market.calls]).toEqual([[], [], []]);
  });
});

describe('idempotency (spec 4.10 step 7)', () => {
  const givenUp = () =>
    run(
      EMPTY_STAGE7_OMS_STATE,
      [anIntent(A)],
      deps({ market: new ScriptedMarket({ [A]: Array(3).fill(fail('TIMEOUT')) }) }),
    );

  it('ignores the same payload under a registered key (DUPLICATE_IGNORED) without submitting again', () => {
    const first = givenUp();
    expect(first.state.idempotency.get(`submit:${A}`)?.payloadHash).toBe(stage7IntentHash(anIntent(A)));
    const market = new ScriptedMarket();
    const again = run(first.state, [anIntent(A, { reason: 'other words' })], deps({ market }), T0 + 5000);
    expect(again.result.events.map((e) => [e.type, 'reason' in e ? e.reason : undefined])).toEqual([
      ['DUPLICATE_IGNORED', 'idempotency_duplicate'],
    ]);
    expect(market.calls).toEqual([]);
    expect(again.state.orders.get(A)?.status).toBe('PLANNED');
  });

  it('rejects another payload under a registered key (IDEMPOTENCY_CONFLICT, then REJECTED), and only that order', () => {
    const first = givenUp();
    const market = new ScriptedMarket();
    const other = anIntent(A, { qty: dec('2'), notionalTry: dec('200') });
    const { result, state } = run(first.state, [anIntent(B), other, anIntent(C)], deps({ market }), T0 + 5000);
    expect(types(result.events, A)).toEqual(['IDEMPOTENCY_CONFLICT', 'REJECTED']);
    expect(result.events.find((e) => e.clientOrderId === A)).toEqual(
      expect.objectContaining({
        key: `submit:${A}`,
        registeredHash: stage7IntentHash(anIntent(A)),
        intentHash: stage7IntentHash(other),
      }),
    );
    expect(state.orders.get(A)).toMatchObject({ status: 'REJECTED', statusReason: 'idempotency_conflict' });
    expect(state.orders.get(A)?.qty.toFixed()).toBe('1'); // the upsert keeps the original order
    expect([state.orders.get(B)?.status, state.orders.get(C)?.status]).toEqual(['FILLED', 'FILLED']);
    expect(market.calls.map((c) => c.clientOrderId)).toEqual([B, C]);
  });

  it('treats an order on record under another payload as a conflict even before its key was registered', () => {
    const first = run(
      EMPTY_STAGE7_OMS_STATE,
      [anIntent(A)],
      deps({ limiter: { tryConsume: (now) => ({ ok: false, nextEligibleMs: now + 1 }) } }),
    );
    expect(first.state.idempotency.size).toBe(0);
    const { result } = run(first.state, [anIntent(A, { price: dec('99') })], deps(), T0 + 10);
    expect(types(result.events)).toEqual(['IDEMPOTENCY_CONFLICT', 'REJECTED']);
  });
});

describe('retries (spec 4.10 step 8, 4.12)', () => {
  it('records RETRY_SCHEDULED per retried failure with its delay, then continues', () => {
    const market = new ScriptedMarket({ [A]: [fail('TIMEOUT'), fail('RATE_LIMIT')] });
    const asked: [number, string][] = [];
    const retryDelayMs = (n: number, id: string) => {
      asked.push([n, id]);
      return n * 150;
    };
    const { result } = run(EMPTY_STAGE7_OMS_STATE, [anIntent(A)], deps({ market, retryDelayMs }));
    expect(
      result.events.map((e) => (e.type === 'RETRY_SCHEDULED' ? [e.type, e.attempt, e.delayMs, e.errorType] : e.type)),
    ).toEqual([
      ['RETRY_SCHEDULED', 1, 150, 'TIMEOUT'],
      ['RETRY_SCHEDULED', 2, 300, 'RATE_LIMIT'],
      'SUBMIT_REQUESTED',
      'ACKED',
      'FILLED',
    ]);
    expect(asked).toEqual([
      [1, A],
      [2, A],
    ]);
    expect(market.calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
  });

  it('gives up after the last attempt (RETRY_GIVEUP transient_failure_exhausted) and leaves the order as it was', () => {
    const market = new ScriptedMarket({ [A]: [fail('TIMEOUT'), fail('UNAVAILABLE'), fail('UNAVAILABLE')] });
    const { result, state } = run(EMPTY_STAGE7_OMS_STATE, [anIntent(A)], deps({ market }));
    expect(types(result.events)).toEqual(['RETRY_SCHEDULED', 'RETRY_SCHEDULED', 'RETRY_GIVEUP']);
    expect(result.events[2]).toMatchObject({
      reason: 'transient_failure_exhausted',
      attempts: 3,
      errorType: 'UNAVAILABLE',
    });
    expect(state.orders.get(A)?.status).toBe('PLANNED');
    expect(state.idempotency.has(`submit:${A}`)).toBe(true);
  });

  it('gives up at once with one attempt allowed', () => {
    const market = new ScriptedMarket({ [A]: [fail('TIMEOUT')] });
    const result = processIntents(
      { state: EMPTY_STAGE7_OMS_STATE, intents: [anIntent(A)], nowMs: T0 },
      deps({ market }),
      { STAGE7_RETRY_MAX_ATTEMPTS: 1 },
    );
    expect(types(result.events)).toEqual(['RETRY_GIVEUP']);
  });

  it('propagates NON_RETRYABLE as a typed error naming the order and the attempt', () => {
    const market = new ScriptedMarket({ [B]: [fail('TIMEOUT'), fail('NON_RETRYABLE')] });
    const call = () => run(EMPTY_STAGE7_OMS_STATE, [anIntent(A), anIntent(B)], deps({ market }));
    expect(call).toThrow(NonRetryableSubmitError);
    expect(call).toThrow(TradingError);
    expect(call).toThrow(`${B}: simulated submit attempt 2 failed with NON_RETRYABLE`);
  });
});

describe('the transition table and at-most-once rule hold on an interrupted order', () => {
  // An order left PARTIALLY_FILLED by an older pass that never registered its key (a hand-made state)
  const partial = (): Stage7OmsState => {
    const events = (['SUBMIT_REQUESTED', 'ACKED', 'PARTIAL_FILL'] as const).map((type, i) => ({
      ...(type === 'PARTIAL_FILL' ? { type, qty: dec('0.6'), price: dec('100') } : { type }),
      eventId: stage7EventId(A, i + 1, type),
      orderId: stage7OrderId(A),
      clientOrderId: A,
      seq: i + 1,
      tsMs: T0 - 1000,
      passId: `intents:${T0 - 1000}`,
    })) as Stage7OrderEvent[];
    return { ...EMPTY_STAGE7_OMS_STATE, events: new Map([[A, events]]) };
  };

  it('ignores an illegal transition (REJECTED from PARTIALLY_FILLED) without throwing', () => {
    const market = new ScriptedMarket({ [A]: [{ outcome: { kind: 'rejected', reason: 'sim_reject' } }] });
    const { result } = run(partial(), [anIntent(A)], deps({ market }));
    expect(result.events).toEqual([]);
    expect(result.orders[0]?.status).toBe('PARTIALLY_FILLED');
    expect(plain(result.orders[0]?.filledQty)).toBe('0.6');
  });

  it('skips the state-changing events already in the history and appends only FILLED', () => {
    const market = new ScriptedMarket({ [A]: [fill(['0.6', '100'], ['0.4', '102'])] });
    const { result } = run(partial(), [anIntent(A)], deps({ market }));
    expect(result.events.map((e) => [e.seq, e.type])).toEqual([[4, 'FILLED']]);
    expect(result.orders[0]).toMatchObject({ status: 'FILLED', createdAtMs: T0 - 1000 });
    expect(plain(result.orders[0]?.avgFillPrice)).toBe('100.8');
  });

  it('ignores a cancel of a terminal order', () => {
    const first = run(EMPTY_STAGE7_OMS_STATE, [anIntent(A)], deps());
    const { result } = run(first.state, [anIntent(A)], deps(), T0 + 1, new Set([A]));
    expect([result.events, result.orders]).toEqual([[], []]);
  });
});

describe('re-runs and crashes (spec 4.10 step 12, 4.15)', () => {
  const scripts = { [A]: [fail('TIMEOUT')], [B]: [fill(['0.6', '100'], ['0.4', '100'])] };
  const fresh = () => deps({ market: new ScriptedMarket(scripts), limiter: new CountingLimiter(bucket(2, 1)) });
  const intents = [anIntent(A), anIntent(B), anIntent(C)];

  it('writes nothing when the same call runs again on the state it produced', () => {
    const first = run(EMPTY_STAGE7_OMS_STATE, intents, fresh());
    const again = processIntents({ state: first.state, intents, nowMs: T0 }, fresh(), SETTINGS);
    expect([again.events, again.orders, again.idempotencyKeys]).toEqual([[], [], []]);
    expect(again.eventCounts).toEqual(first.result.eventCounts); // the pass is counted the same
  });

  it('after a crash that stored only the keys and the first events, writes the rest under the same ids', () => {
    const first = run(EMPTY_STAGE7_OMS_STATE, intents, fresh());
    const crashed = applyStage7Writes(EMPTY_STAGE7_OMS_STATE, {
      idempotencyKeys: first.result.idempotencyKeys,
      events: first.result.events.slice(0, 3),
      orders: [],
    });
    const resumed = processIntents({ state: crashed, intents, nowMs: T0 }, fresh(), SETTINGS);
    expect(resumed.events.map((e) => e.eventId)).toEqual(first.result.events.slice(3).map((e) => e.eventId));
    expect(resumed.idempotencyKeys).toEqual([]);
    expect(dump([...applyStage7Writes(crashed, resumed).orders.values()])).toBe(dump([...first.state.orders.values()]));
  });

  it('refuses a re-run whose inputs differ from the run that stored part of its writes', () => {
    const first = run(EMPTY_STAGE7_OMS_STATE, [anIntent(A)], deps());
    const market = new ScriptedMarket({ [A]: [{ outcome: { kind: 'rejected', reason: 'sim_reject' } }] });
    const call = () =>
      processIntents({ state: first.state, intents: [anIntent(A)], nowMs: T0 }, deps({ market }), SETTINGS);
    expect(call).toThrow(CorruptStateError);
    expect(call).toThrow(/events\.s7:c1:BTCTRY:BUY:aaaaaaaaaaa1\.3/);
  });

  it('rebuilds a stale stored row from the events', () => {
    const first = run(EMPTY_STAGE7_OMS_STATE, [anIntent(A)], deps());
    const row = first.state.orders.get(A);
    if (row === undefined) throw new Error('no row');
    const stale = { ...first.state, orders: new Map([[A, { ...row, status: 'PLANNED' as const }]]) };
    const again = processIntents({ state: stale, intents: [anIntent(A)], nowMs: T0 }, deps(), SETTINGS);
    expect(again.events).toEqual([]);
    expect(again.orders).toEqual([row]);
  });

  it('gives byte-identical results for the same inputs', () => {
    const once = dump(run(EMPTY_STAGE7_OMS_STATE, intents, fresh()).result);
    expect(dump(run(EMPTY_STAGE7_OMS_STATE, intents, fresh()).result)).toBe(once);
  });
});

describe('wired with the real simulator, token bucket and backoff', () => {
  it('retries an injected TIMEOUT with a seeded delay, then slices an even client id (4.11)', () => {
    const even = 's7:c1:BTCTRY:BUY:aaaaaaaaaaa2';
    const market = new Stage7MarketSimulator(
      { STAGE7_SIM_REJECT_PROB_BPS: 0, STAGE7_SLIPPAGE_BPS: dec('0'), STAGE7_FEES_BPS: dec('0') },
      {
        markPrice: () => undefined,
        account: SimulatedAccount.open({ TRY: dec('1000') }),
        failures: new Map([[even, ['TIMEOUT'] as const]]),
      },
    );
    const retry = { STAGE7_RETRY_MAX_ATTEMPTS: 3, STAGE7_RETRY_BASE_DELAY_MS: 100, STAGE7_RETRY_MAX_DELAY_MS: 1000 };
    const d: Stage7OmsDeps = {
      market,
      limiter: { tryConsume: (now) => bucket(5, 5).tryConsume(DEFAULT_GROUP, 1, now) },
      retryDelayMs: (n, id) => backoffDelayMs(stage7BackoffPolicy(retry, id), n),
    };
    const { result } = run(EMPTY_STAGE7_OMS_STATE, [anIntent(even)], d);
    expect(types(result.events)).toEqual(['RETRY_SCHEDULED', 'SUBMIT_REQUESTED', 'ACKED', 'PARTIAL_FILL', 'FILLED']);
    const retried = result.events[0];
    expect(retried?.type === 'RETRY_SCHEDULED' && retried.delayMs).toBe(
      backoffDelayMs(stage7BackoffPolicy(retry, even), 1),
    );
    expect(result.events[3]).toMatchObject({ qty: dec('0.6') });
    expect(result.orders[0]).toMatchObject({ status: 'FILLED', filledQty: dec('1') });
  });
});

describe('refusals', () => {
  it.each([
    ['a negative time', -1],
    ['a fractional time', 1.5],
  ])('refuses %s', (_, nowMs) => {
    const call = () => processIntents({ state: EMPTY_STAGE7_OMS_STATE, intents: [], nowMs }, deps(), SETTINGS);
    expect(call).toThrow(ValidationError);
    expect(call).toThrow('nowMs');
  });

  it('refuses fewer than one attempt', () => {
    const call = () =>
      reconcileOpenOrders({ state: EMPTY_STAGE7_OMS_STATE, nowMs: T0 }, deps(), { STAGE7_RETRY_MAX_ATTEMPTS: 0 });
    expect(call).toThrow(ValidationError);
    expect(call).toThrow('STAGE7_RETRY_MAX_ATTEMPTS');
  });

  it('refuses an intent without a client id', () => {
    expect(() => run(EMPTY_STAGE7_OMS_STATE, [anIntent('')], deps())).toThrow('intents[0].clientOrderId');
  });

  it.each([-1, 1.5, Number.NaN])('refuses a retry delay of %s', (delay) => {
    const market = new ScriptedMarket({ [A]: [fail('TIMEOUT')] });
    expect(() => run(EMPTY_STAGE7_OMS_STATE, [anIntent(A)], deps({ market, retryDelayMs: () => delay }))).toThrow(
      'retryDelayMs(1)',
    );
  });

  it('refuses a limiter that names a next eligible time in the past', () => {
    const limiter = { tryConsume: (now: number) => ({ ok: false as const, nextEligibleMs: now - 1 }) };
    expect(() => run(EMPTY_STAGE7_OMS_STATE, [anIntent(A)], deps({ limiter }))).toThrow(ValidationError);
  });

  it.each([
    ['no slices', fill(), 'slices'],
    ['a zero slice', fill(['0', '100'], ['1', '100']), 'slices[0].qty'],
    ['a zero price', fill(['1', '0']), 'slices[0].price'],
    ['more than the order', fill(['0.6', '100'], ['0.6', '100']), 'expected a total <= 1, was 1.2'],
  ])('refuses a filled answer with %s', (_, answer, message) => {
    const market = new ScriptedMarket({ [A]: [answer] });
    const call = () => run(EMPTY_STAGE7_OMS_STATE, [anIntent(A)], deps({ market }));
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(message);
  });
});
