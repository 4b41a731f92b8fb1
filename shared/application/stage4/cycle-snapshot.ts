// What a live stage 4 cycle learns from the exchange before it decides (spec 3.2 steps 5-12): in-flight
// orders settled, the account's balances, the order refresh (foreign orders imported), new fills into the
// ledger, and the ledger projection. A failed private read is never replaced by a synthetic cash figure
// (9.1.8): the cycle acts sell-only instead.
import type { Position } from '../../domain/average-cost';
import { ExchangeUnavailableError } from '../../domain/errors';
import { isExternalIntent } from '../../domain/ids';
import { type LedgerReport, ledgerReport } from '../../domain/ledger/ledger-report';
import { averageCostPositions, type LedgerState } from '../../domain/ledger/ledger-state';
import { type Dec, ZERO } from '../../domain/money';
import type { OpenOrderView } from '../../domain/oms/stage4-action';
import { IN_FLIGHT } from '../../domain/order-state';
import type { JournalOrder, LeaseFence } from '../../ports/state-store';
import { fencedJournal } from '../fenced-journal';
import { ingestFills } from '../ingest-fills';
import { currentLedgerState } from '../ledger/ledger-projection';
import { reconcileOrder } from '../reconcile-order';
import { refreshOrders } from '../refresh-orders';
import type { Stage4CycleDeps } from './run-stage4-cycle';

export interface AccountSnapshot {
  /** Free TRY, what new BUYs may spend; ZERO when the balance read failed (then `balancesFailed`) */
  readonly cashTry: Dec;
  /**
   * All TRY of the account, free and locked in resting orders: what equity and capital count. Free TRY
   * alone would read an order placed a minute ago as a loss of its notional (a drawdown that halts buying).
   */
  readonly totalTry: Dec;
  readonly balancesFailed: boolean;
  readonly positions: ReadonlyMap<string, Position>;
  readonly ownOpen: readonly OpenOrderView[];
  readonly allOpen: readonly OpenOrderView[];
  /** Journal keys of the foreign orders the refresh imported this cycle */
  readonly imported: readonly string[];
  /** Venue orders the journal cannot follow: the freeze's mismatches */
  readonly conflicts: readonly string[];
  readonly ledger: LedgerState;
  readonly report: LedgerReport;
  /** Symbol -> its fill cursor after the ingest (what the cursor stall anomaly watches) */
  readonly fillCursors: ReadonlyMap<string, string>;
  readonly recovered: number;
  readonly fillsInserted: number;
  readonly decisions: readonly string[];
}

export async function accountSnapshot(
  deps: Stage4CycleDeps,
  cycleId: string,
  fence: LeaseFence,
  marks: ReadonlyMap<string, Dec>,
): Promise<AccountSnapshot> {
  const { settings: s, clock, exchange } = deps;
  const account = s.BOT_ACCOUNT;
  const journal = fencedJournal(deps.journal, fence);
  const decisions: string[] = [];
  let recovered = 0;
  for (const order of await deps.journal.listByStatus(account, [...IN_FLIGHT])) {
    try {
      const outcome = await reconcileOrder({ ...deps, journal }, account, order.clientOrderId, deps.reconcilePolicy);
      if (outcome.kind === 'settled') recovered += 1;
    } catch (e) {
      if (!(e instanceof ExchangeUnavailableError)) throw e;
      decisions.push('recovery:exchange_unavailable');
    }
  }
  let cashTry = ZERO;
  let totalTry = ZERO;
  let balancesFailed = false;
  try {
    const lira = (await exchange.balances()).find((b) => b.asset === 'TRY');
    cashTry = lira?.free ?? ZERO;
    totalTry = lira?.total ?? ZERO;
  } catch {
    balancesFailed = true;
    decisions.push('account:balances_unavailable:sell_only');
  }
  const refresh = await refreshOrders({ ...deps, journal }, account, {
    symbols: s.SYMBOLS,
    cancelGraceMs: deps.reconcilePolicy.cancelGraceMs,
    missingGraceMs: deps.reconcilePolicy.notPlacedGraceMs,
    missingChecks: deps.reconcilePolicy.notPlacedChecks,
    stage: 'stage4',
    cycleId,
    fence,
  });
  decisions.push(...refresh.failedSymbols.map((symbol) => `refresh:exchange_unavailable:${symbol}`));
  const ingest = await ingestFills(deps, account, s.SYMBOLS, {
    nowMs: clock.nowMs(),
    lookbackMs: s.FILLS_POLL_LOOKBACK_MINUTES * 60_000,
    marks,
  });
  decisions.push(...ingest.failedSymbols.map((symbol) => `fills:exchange_unavailable:${symbol}`));
  const fillCursors = new Map<string, string>();
  for (const symbol of s.SYMBOLS) {
    const cursor = await deps.cursors.get(`fills#${account}#${symbol}`);
    if (cursor !== undefined) fillCursors.set(symbol, String(cursor));
  }
  const ledger = await currentLedgerState(deps, account);
  const report = ledgerReport(ledger, marks, totalTry, clock.nowMs());
  const resting = refresh.resting.filter((o) => o.status === 'OPEN' || o.status === 'PARTIAL');
  return {
    cashTry,
    totalTry,
    balancesFailed,
    positions: averageCostPositions(ledger),
    ownOpen: resting.filter((o) => !isExternalIntent(o.intentKey)).map(viewOf),
    allOpen: resting.map(viewOf),
    imported: refresh.imported,
    conflicts: refresh.conflicts,
    ledger,
    report,
    fillCursors,
    recovered,
    fillsInserted: ingest.inserted,
    decisions,
  };
}

const viewOf = (o: JournalOrder): OpenOrderView => ({
  clientOrderId: o.clientOrderId,
  symbol: o.symbol,
  side: o.side,
  price: o.price,
  qty: o.qty.sub(o.filledQty),
  updatedAtMs: o.updatedAtMs,
});
