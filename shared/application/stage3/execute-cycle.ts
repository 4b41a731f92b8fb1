// The body of a stage 3 cycle once the gates and the lease are settled (spec 2.3 steps 6-18). Every journal
// write is fenced by the lease epoch and every exchange write re-checks the gates first (the write gate).
import type { Position } from '../../domain/average-cost';
import { ConcurrentUpdateError, ExchangeUnavailableError } from '../../domain/errors';
import { escalationThresholdsOf } from '../../domain/escalation';
import { isExternalIntent } from '../../domain/ids';
import { averageCostPositions } from '../../domain/ledger/ledger-state';
import { maxDec, ZERO } from '../../domain/money';
import { IN_FLIGHT } from '../../domain/order-state';
import { profitAwareIntents } from '../../domain/profit-aware-strategy';
import { balancePrecheck, evaluateStage3Risk } from '../../domain/stage3-risk';
import type { Balance } from '../../ports/exchange';
import type { JournalOrder, LeaseFence } from '../../ports/state-store';
import { cancelOrder } from '../cancel-order';
import { monitorReads, readDegrade, requestCountersOf } from '../exchange-read-monitor';
import { fencedJournal } from '../fenced-journal';
import { ingestFills } from '../ingest-fills';
import { currentLedgerState } from '../ledger/ledger-projection';
import { marketSnapshot } from '../market-snapshot';
import { loadOpState, type OpStateSnapshot, OpStateUnreadableError, recordReconcileOutcome } from '../op-state';
import { type ListingPlan, takeListingPlan } from '../orders/listing-memory';
import { symbolsTrading, unexplainedAssets } from '../orders/unexplained-locks';
import { escalationVerdict, reconcileOrder } from '../reconcile-order';
import { refreshOrders } from '../refresh-orders';
import type { WriteGate } from '../write-gate';
import { loadCooldowns, saveCooldowns } from './cooldowns';
import type { CycleCounters } from './cycle-counters';
import { loadRules } from './exchange-rules-cache';
import { executeIntents } from './execute-intents';
import type { CycleInput, CycleStatus, Stage3Deps } from './run-stage3-cycle';

export interface CycleGate {
  readonly live: boolean;
  readonly fence: LeaseFence;
  /** Re-checked right before every exchange write */
  readonly writes: WriteGate;
  /** The escalation op-state as the cycle read it at its start */
  readonly opState: OpStateSnapshot;
}

export async function executeCycle(
  base: Stage3Deps,
  input: CycleInput,
  gate: CycleGate,
  counters: CycleCounters,
): Promise<{ status: CycleStatus; decisions: string[] }> {
  // every read of the cycle is watched: its degrade mode follows from the failed reads, wherever caught
  const reads = monitorReads(base.exchange);
  const deps: Stage3Deps = { ...base, exchange: reads.exchange };
  const { settings: s, clock, exchange } = deps;
  const account = s.BOT_ACCOUNT;
  const decisions: string[] = [];
  // the HTTP requests the cycle sent, by endpoint, go to the cycle line and the audit
  const countRequests = () => Object.assign(counters, requestCountersOf(reads.requests()));
  const market = await marketSnapshot(exchange, s.SYMBOLS, () => clock.nowMs(), s.MAX_MARKET_DATA_AGE_MS);
  if (market.stale) {
    deps.log.warn('market_data_stale_fail_closed', { missing_symbols: market.missingSymbols });
    countRequests();
    return { status: 'stale_market_data', decisions: ['market_data:stale'] };
  }
  const { rules, venueMinNotional } = await loadRules(exchange, s, gate.live);
  // spec 2.5 step 2: without a mark for every configured symbol the cycle acts on nothing, and the fills
  // wait for a cycle that can value them
  const missingMarks = market.missingSymbols.length > 0;
  if (missingMarks) {
    deps.log.warn('Mark prices missing; observe-only this cycle', { missing_symbols: market.missingSymbols });
    decisions.push('observe_only:missing_mark_prices');
  }

  let freeTry = s.DRY_RUN_TRY_BALANCE;
  let balances: readonly Balance[] | undefined;
  let observeOnly = missingMarks;
  let positions: ReadonlyMap<string, Position> = new Map();
  let refreshed: readonly JournalOrder[] = [];
  const w = { ...deps, journal: fencedJournal(deps.journal, gate.fence), gate: gate.writes };
  let observeOnlySymbols = new Set<string>();
  let listing: ListingPlan | undefined;
  let listedAll = false;
  const nextFillSymbols: string[] = [];
  if (gate.live) {
    const recovery = await recoverInFlight(w, decisions, counters);
    const recorded = recovery.recorded;
    const escalation = recorded ? await loadOpState(deps.documents, account) : gate.opState;
    observeOnlySymbols = new Set(escalation.observeOnlySymbols);
    decisions.push(...escalation.observeOnlySymbols.map((symbol) => `escalation:observe_only:${symbol}`));
    // read before the refresh: its locked amounts decide which symbols the refresh lists (issue 12)
    try {
      balances = await exchange.balances();
      freeTry = balances.find((b) => b.asset === 'TRY')?.free ?? ZERO;
      // spec 2.5: a negative balance means our picture of the account is wrong; act on nothing this cycle
      const negative = balances.filter((b) => b.free.lt(0)).map((b) => `invariant:negative_balance:${b.asset}`);
      observeOnly ||= negative.length > 0;
      decisions.push(...negative);
    } catch {
      // 9.1.8: never a synthetic cash figure in live (the failed read makes the cycle sell-only below)
      freeTry = ZERO;
    }
    listing = takeListingPlan(base.exchange, clock.nowMs(), s.FULL_LISTING_PERIOD_SECONDS);
    const refresh = await refreshOrders(w, account, {
      // every configured symbol now and then; else only where our orders or an unexplained lock point
      symbols: listing.due ? s.SYMBOLS : [],
      more: (listed, unsure) => {
        if (balances === undefined) return s.SYMBOLS;
        const orders = [
          ...listed.map((o) => ({ ...o, certain: true })),
          ...unsure.map((o) => ({ ...o, leftQty: o.qty, certain: false })),
        ];
        const check = { balances, orders, configuredSymbols: s.SYMBOLS, venueMinNotional };
        return symbolsTrading(unexplainedAssets(check), s.SYMBOLS);
      },
      cancelGraceMs: deps.reconcilePolicy.cancelGraceMs,
      missingGraceMs: deps.reconcilePolicy.notPlacedGraceMs,
      missingChecks: deps.reconcilePolicy.notPlacedChecks,
      stage: 'stage3',
      cycleId: input.cycleId,
      fence: gate.fence,
    });
    counters.refreshed = refresh.updated;
    counters.imported = refresh.imported.length;
    counters.closedMissing = refresh.closedMissing.length;
    refreshed = refresh.resting;
    decisions.push(...refresh.failedSymbols.map((symbol) => `refresh:exchange_unavailable:${symbol}`));
    decisions.push(...refresh.closedMissing.map(() => 'refresh:missing_on_exchange_after_grace'));
    if (refresh.conflicts.length > 0) {
      deps.log.error('Journal orders disagree with the exchange in a way the journal cannot follow', {
        client_order_ids: refresh.conflicts,
      });
    }
    // fills only where there can be new ones (see fillSymbols), and every configured symbol now and then
    const moved = listing.movedAssets(balances);
    const pointed = [...listing.carried, ...recovery.symbols, ...symbolsTrading(moved ?? [], s.SYMBOLS)];
    const asked = listing.due || moved === undefined ? s.SYMBOLS : fillSymbols(s.SYMBOLS, pointed, refresh);
    // the next cycle asks again where orders still rest or fly (the reconcile function may settle them meanwhile)
    nextFillSymbols.push(...refresh.trackedSymbols, ...refresh.resting.map((o) => o.symbol));
    if (missingMarks) nextFillSymbols.push(...asked);
    else {
      const ingest = await ingestFills(deps, account, asked, {
        nowMs: clock.nowMs(),
        lookbackMs: s.FILLS_POLL_LOOKBACK_MINUTES * 60_000,
        // spec 2.3 step 8: stage 3 marks are the positive best bids
        marks: new Map([...market.tops].map(([symbol, top]) => [symbol, top.bid])),
      });
      counters.fillsInserted = ingest.inserted;
      decisions.push(...ingest.feeConversionMissing.map((asset) => `accounting:fee_conversion_missing:${asset}`));
      nextFillSymbols.push(...ingest.failedSymbols);
      listedAll = listing.due && refresh.failedSymbols.length === 0 && ingest.failedSymbols.length === 0;
    }
    // the maintained projection: its cost does not grow with the ledger's history
    positions = averageCostPositions(await currentLedgerState(deps, account));
  }
  // spec 2.3 step 15 and 9.1.8: a rate-limited read stops every write, a failed private read every BUY
  const degrade = readDegrade(reads.failures());
  decisions.push(...degrade.decisions);
  if (degrade.observeOnly) {
    deps.log.warn('Exchange reads rate limited (429); observe-only this cycle', {
      endpoints: degrade.rateLimitedEndpoints,
    });
  }
  observeOnly ||= degrade.observeOnly;
  if (gate.live && !observeOnly) await cancelStaleOrders(w, refreshed, input, counters, observeOnlySymbols);

  const quotes = new Map([...market.tops].map(([symbol, top]) => [symbol, { bid: top.bid, ask: top.ask }]));
  let intents = profitAwareIntents({
    symbols: s.SYMBOLS,
    quotes,
    positions,
    freeTry,
    minProfitBps: s.MIN_PROFIT_BPS,
    ttlSeconds: s.TTL_SECONDS,
    minNotional: (symbol) => rules(symbol)?.minNotional,
    wholeBelowMin: s.STAGE3_TAKE_PROFIT_WHOLE_BELOW_MIN,
  });
  if (degrade.sellOnly) intents = intents.filter((i) => i.side === 'SELL');
  counters.intents = intents.length;

  const resting = gate.live ? await deps.journal.listByStatus(account, ['OPEN', 'PARTIAL']) : [];
  const openOrders = new Map<string, number>();
  for (const o of resting) openOrders.set(o.symbol, (openOrders.get(o.symbol) ?? 0) + 1);
  const cooldowns = await loadCooldowns(deps.documents, account);
  const risk = evaluateStage3Risk(intents, {
    maxOrdersPerCycle: s.MAX_ORDERS_PER_CYCLE,
    maxOpenOrdersPerSymbol: s.MAX_OPEN_ORDERS_PER_SYMBOL,
    cooldownSeconds: s.COOLDOWN_SECONDS,
    maxNotionalPerOrder: s.MAX_NOTIONAL_PER_ORDER_TRY,
    notionalCapPerCycle: s.NOTIONAL_CAP_TRY_PER_CYCLE,
    investableTry: maxDec(ZERO, freeTry.sub(s.TRY_CASH_TARGET)),
    nowMs: clock.nowMs(),
    openOrders,
    lastApprovedAtMs: cooldowns.lastApprovedAtMs,
    rules,
  });
  decisions.push(...risk.decisions.map((d) => d.code));
  counters.approved = risk.approved.length;

  const frozen = new Set(
    gate.live ? (await deps.journal.listByStatus(account, [...IN_FLIGHT])).map((o) => o.symbol) : [],
  );
  const approvedAt = new Map(cooldowns.lastApprovedAtMs);
  for (const intent of risk.approved) approvedAt.set(`${intent.symbol}:${intent.side}`, clock.nowMs());
  await executeIntents(
    w,
    risk.approved,
    {
      live: gate.live,
      account,
      cycleId: input.cycleId,
      fence: gate.fence,
      observeOnly,
      observeOnlySymbols,
      frozen,
      precheck: balancePrecheck(balances && new Map(balances.map((b) => [b.asset.toUpperCase(), b.free])), {
        estimatedFeeBps: s.EXECUTION_ESTIMATED_FEE_BPS,
        safetyBufferRatio: s.EXECUTION_BALANCE_SAFETY_BUFFER_RATIO,
        sellFeeInBaseBps: s.EXECUTION_SELL_FEE_IN_BASE_BPS,
        sellRequiresInventory: s.SPOT_SELL_REQUIRES_INVENTORY,
      }),
    },
    counters,
    decisions,
  );
  await saveCooldowns(deps.documents, account, { lastApprovedAtMs: approvedAt, version: cooldowns.version });
  // orders placed this cycle may be settled by the reconcile function before the next cycle looks
  listing?.finish(listedAll, [...nextFillSymbols, ...risk.approved.map((i) => i.symbol)], balances);
  countRequests();
  return { status: 'completed', decisions };
}

/**
 * Where a fill can be new although no full listing is due (see listing-memory.ts): the pairs of an asset
 * whose total moved since the previous cycle's read, the symbols that cycle left (its resting, in-flight and
 * just placed orders, and fill reads that failed or were skipped), the symbols of our orders in flight
 * at the cycle's start (recovery may settle them), those the refresh tracked (an order filled since the
 * last cycle is tracked until this refresh closes it), and where the refresh changed or imported an order.
 * A fill none of these point at moved no total (opposite fills whose fees offset their price difference):
 * the next full listing finds it, its window reaching back to the symbol's cursor. A symbol whose read
 * fails keeps its cursor, so its fills wait, never vanish.
 */
function fillSymbols(
  configured: readonly string[],
  pointedBefore: readonly string[],
  refresh: { readonly trackedSymbols: readonly string[]; readonly changedSymbols: readonly string[] },
): string[] {
  const pointed = new Set([...pointedBefore, ...refresh.trackedSymbols, ...refresh.changedSymbols]);
  return configured.filter((symbol) => pointed.has(symbol));
}

/**
 * Orders left PENDING_SUBMIT/UNKNOWN are settled first (ARCHITECTURE 5.6); each look feeds the symbol's
 * unknown-order escalation (spec 9.1.5). @returns whether any look was recorded there, and the symbols of
 * the orders looked at
 */
async function recoverInFlight(
  deps: Stage3Deps & { readonly gate: WriteGate },
  decisions: string[],
  counters: CycleCounters,
): Promise<{ recorded: boolean; symbols: string[] }> {
  let recorded = false;
  const account = deps.settings.BOT_ACCOUNT;
  const thresholds = escalationThresholdsOf(deps.settings);
  const inFlight = await deps.journal.listByStatus(account, [...IN_FLIGHT]);
  for (const order of inFlight) {
    let verdict: ReturnType<typeof escalationVerdict>;
    try {
      const outcome = await reconcileOrder(deps, account, order.clientOrderId, deps.reconcilePolicy);
      if (outcome.kind === 'settled') counters.recovered += 1;
      verdict = escalationVerdict(outcome);
    } catch (e) {
      if (!(e instanceof ExchangeUnavailableError)) throw e;
      decisions.push('recovery:exchange_unavailable');
      verdict = 'failed';
    }
    if (verdict === 'progress') continue;
    recorded = true;
    try {
      await recordReconcileOutcome(
        deps.documents,
        account,
        order.symbol,
        verdict === 'settled',
        deps.clock.nowMs(),
        thresholds,
        order.clientOrderId,
      );
    } catch (e) {
      // escalation bookkeeping never stops a cycle: the reconcile function records the same looks, and a
      // corrupt op-state already reads as kill switch on
      if (!(e instanceof ConcurrentUpdateError || e instanceof OpStateUnreadableError)) throw e;
      deps.log.warn('Escalation bookkeeping skipped', { client_order_id: order.clientOrderId, error: e.message });
    }
  }
  return { recorded, symbols: inFlight.map((o) => o.symbol) };
}

async function cancelStaleOrders(
  deps: Stage3Deps & { readonly gate: WriteGate },
  resting: readonly JournalOrder[],
  input: CycleInput,
  counters: CycleCounters,
  observeOnlySymbols: ReadonlySet<string>,
): Promise<void> {
  const now = deps.clock.nowMs();
  for (const order of resting) {
    const stale =
      (order.status === 'OPEN' || order.status === 'PARTIAL') &&
      now - order.createdAtMs > deps.settings.TTL_SECONDS * 1000;
    // imported orders belong to someone else: counted against limits, never canceled by the bot
    const ours = !isExternalIntent(order.intentKey);
    if (!stale || !ours || order.cycleId === input.cycleId || !order.exchangeOrderId) continue;
    if (observeOnlySymbols.has(order.symbol)) continue;
    const outcome = await cancelOrder(deps, order);
    if (outcome.kind === 'blocked') {
      counters.gateBlocked += 1;
      return;
    }
    if (outcome.kind === 'settled_elsewhere') continue;
    counters.cancelRequested += 1;
    if (outcome.kind === 'uncertain') counters.cancelUncertain += 1;
  }
}
