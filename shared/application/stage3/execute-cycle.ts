// The body of a stage 3 cycle once the gates and the lease are settled (spec 2.3 steps 6-18)
import { type LedgerFill, projectPositions } from '../../domain/average-cost';
import { ExchangeUnavailableError } from '../../domain/errors';
import { hashCanonical } from '../../domain/hashing';
import { type Dec, maxDec, ZERO } from '../../domain/money';
import { IN_FLIGHT } from '../../domain/order-state';
import { profitAwareIntents } from '../../domain/profit-aware-strategy';
import { evaluateStage3Risk } from '../../domain/stage3-risk';
import type { JournalOrder, LeaseFence } from '../../ports/state-store';
import { cancelOrder } from '../cancel-order';
import { ingestFills } from '../ingest-fills';
import { marketSnapshot } from '../market-snapshot';
import { placeOrder } from '../place-order';
import { reconcileOrder } from '../reconcile-order';
import { refreshOrders } from '../refresh-orders';
import { loadCooldowns, saveCooldowns } from './cooldowns';
import type { CycleCounters } from './cycle-counters';
import { loadRules } from './exchange-rules-cache';
import type { CycleInput, CycleStatus, Stage3Deps } from './run-stage3-cycle';

export interface CycleGate {
  readonly live: boolean;
  readonly fence: LeaseFence;
}

export async function executeCycle(
  deps: Stage3Deps,
  input: CycleInput,
  gate: CycleGate,
  counters: CycleCounters,
): Promise<{ status: CycleStatus; decisions: string[] }> {
  const { settings: s, clock, exchange } = deps;
  const account = s.BOT_ACCOUNT;
  const decisions: string[] = [];
  const market = await marketSnapshot(exchange, s.SYMBOLS, () => clock.nowMs(), s.MAX_MARKET_DATA_AGE_MS);
  if (market.stale) {
    deps.log.warn('market_data_stale_fail_closed', { missing_symbols: market.missingSymbols });
    return { status: 'stale_market_data', decisions: ['market_data:stale'] };
  }
  const rules = await loadRules(exchange, s, gate.live);

  let freeTry = s.DRY_RUN_TRY_BALANCE;
  let sellOnly = false;
  let observeOnly = false;
  let fills: LedgerFill[] = [];
  if (gate.live) {
    for (const order of await deps.journal.listByStatus(account, [...IN_FLIGHT])) {
      try {
        const outcome = await reconcileOrder(deps, account, order.clientOrderId, deps.reconcilePolicy);
        if (outcome.kind === 'settled') counters.recovered += 1;
      } catch (e) {
        if (!(e instanceof ExchangeUnavailableError)) throw e;
        decisions.push('recovery:exchange_unavailable');
      }
    }
    const refresh = await refreshOrders(deps, account, { cancelGraceMs: deps.reconcilePolicy.cancelGraceMs });
    counters.refreshed = refresh.updated;
    const ingest = await ingestFills(deps, account, s.SYMBOLS, {
      nowMs: clock.nowMs(),
      lookbackMs: s.FILLS_POLL_LOOKBACK_MINUTES * 60_000,
    });
    counters.fillsInserted = ingest.inserted;
    fills = (await deps.ledger.list(account)).flatMap((e) =>
      e.type === 'FILL' && e.side ? [{ ...e, side: e.side }] : [],
    );
    try {
      const balances = await exchange.balances();
      freeTry = balances.find((b) => b.asset === 'TRY')?.free ?? ZERO;
      // spec 2.5: a negative balance means our picture of the account is wrong; act on nothing this cycle
      const negative = balances.filter((b) => b.free.lt(0)).map((b) => `invariant:negative_balance:${b.asset}`);
      observeOnly = negative.length > 0;
      decisions.push(...negative);
    } catch {
      // 9.1.8: never a synthetic cash figure in live; without private data only SELLs and cancels proceed
      freeTry = ZERO;
      sellOnly = true;
      decisions.push('degrade:private_data_unavailable');
    }
    if (!observeOnly) await cancelStaleOrders(deps, refresh.resting, input, counters);
  }

  const positions = projectPositions(fills).positions;
  const quotes = new Map([...market.tops].map(([symbol, top]) => [symbol, { bid: top.bid, ask: top.ask }]));
  let intents = profitAwareIntents({
    symbols: s.SYMBOLS,
    quotes,
    positions,
    freeTry,
    minProfitBps: s.MIN_PROFIT_BPS,
    ttlSeconds: s.TTL_SECONDS,
  });
  if (sellOnly) intents = intents.filter((i) => i.side === 'SELL');
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
  for (const intent of risk.approved) {
    approvedAt.set(`${intent.symbol}:${intent.side}`, clock.nowMs());
    if (!gate.live) {
      counters.simulated += 1;
      continue;
    }
    if (observeOnly) {
      decisions.push('execution_suppress:observe_only');
      continue;
    }
    if (frozen.has(intent.symbol)) {
      counters.frozenSkips += 1;
      decisions.push('execution_block:symbol_frozen');
      continue;
    }
    const outcome = await placeOrder(
      deps,
      {
        account,
        stage: 'stage3',
        cycleId: input.cycleId,
        intentKey: stage3IntentKey(input.cycleId, intent.symbol, intent.side, intent.qty, intent.limitPrice),
        symbol: intent.symbol,
        side: intent.side,
        price: intent.limitPrice,
        qty: intent.qty,
      },
      gate.fence,
    );
    countPlacement(counters, decisions, outcome);
    if (outcome.kind === 'unknown') frozen.add(intent.symbol);
  }
  await saveCooldowns(deps.documents, account, { lastApprovedAtMs: approvedAt, version: cooldowns.version });
  return { status: 'completed', decisions };
}

async function cancelStaleOrders(
  deps: Stage3Deps,
  resting: readonly JournalOrder[],
  input: CycleInput,
  counters: CycleCounters,
): Promise<void> {
  const now = deps.clock.nowMs();
  for (const order of resting) {
    const stale =
      (order.status === 'OPEN' || order.status === 'PARTIAL') &&
      now - order.createdAtMs > deps.settings.TTL_SECONDS * 1000;
    if (!stale || order.cycleId === input.cycleId || !order.exchangeOrderId) continue;
    const outcome = await cancelOrder(deps, order);
    counters.cancelRequested += 1;
    if (outcome.kind === 'uncertain') counters.cancelUncertain += 1;
  }
}

function countPlacement(
  counters: CycleCounters,
  decisions: string[],
  outcome: Awaited<ReturnType<typeof placeOrder>>,
): void {
  switch (outcome.kind) {
    case 'accepted':
      counters.submitted += 1;
      return;
    case 'rejected':
      counters.rejected += 1;
      decisions.push(`execution_reject:${outcome.reason}`);
      return;
    case 'not_placed':
      counters.notPlaced += 1;
      decisions.push('execution_reject:exchange_unavailable');
      return;
    case 'unknown':
      counters.unknown += 1;
      decisions.push('submit_uncertain_outcome');
      return;
    case 'replayed':
      counters.replayed += 1;
      return;
  }
}

/** The intent key of spec 2.6: stable for a cycle id, so a retried invocation finds its own journal entries */
export const stage3IntentKey = (cycleId: string, symbol: string, side: string, qty: Dec, price: Dec): string =>
  hashCanonical({ cycleId, symbol, side, qty, price });
