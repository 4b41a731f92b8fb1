// The run's trades, per pair and in total, projected by the ledger itself: each record's fills become the
// ledger events stage 7 books (fillEvents with the stage 7 fill id and TRY fee) and go through the ledger
// reducer, whose average-cost view (spec 2.12: buy fees in the cost, the sell's fee out of its proceeds) gives
// each SELL's realized PnL after fees. A trade is a SELL that closed held quantity; it wins when that PnL is
// > 0 and loses when < 0. Exposure is the share of cycles that ended holding any position.
//
// Event times are the record's ordinal, not its clock: the reducer needs a non-decreasing replay key, and a
// run whose clock goes backwards (which the validations report) must still be projected in file order.
// Within a cycle the fills replay by event id, as the ledger replays one OMS pass (the id is derived from the
// cycle that recorded the fill: a record does not say which cycle created the order).
import type { Stage7RunRecord } from '../../shared/application/stage7/run-record';
import { fillEvents } from '../../shared/domain/ledger/fill-events';
import { compareLedgerEvents } from '../../shared/domain/ledger/ledger-event';
import { applyLedgerEvent, emptyLedgerState, type LedgerState } from '../../shared/domain/ledger/ledger-state';
import { stage7FillId } from '../../shared/domain/ledger/stage7-fills';
import { type Dec, dec, toPlain, ZERO } from '../../shared/domain/money';
import { CASH_ASSET } from '../../shared/domain/portfolio/simulated-account';

/** Closed trades folded one at a time (flat memory over a long run) */
export interface TradeTally {
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly grossProfit: Dec;
  /** Sum of the losing trades' PnL, as a positive amount */
  readonly grossLoss: Dec;
}

export interface TradeOutcomes extends TradeTally {
  /** wins / trades; null without a trade */
  readonly winRate: Dec | null;
  /** gross profit / gross loss; null without a losing trade (infinite, or no trade at all) */
  readonly profitFactor: Dec | null;
}

export const NO_TRADES: TradeTally = { trades: 0, wins: 0, losses: 0, grossProfit: ZERO, grossLoss: ZERO };

/** One closed trade's PnL after fees: > 0 wins, < 0 loses, 0 neither */
export const addTrade = (t: TradeTally, pnl: Dec): TradeTally => ({
  trades: t.trades + 1,
  wins: pnl.gt(0) ? t.wins + 1 : t.wins,
  losses: pnl.lt(0) ? t.losses + 1 : t.losses,
  grossProfit: pnl.gt(0) ? t.grossProfit.add(pnl) : t.grossProfit,
  grossLoss: pnl.lt(0) ? t.grossLoss.sub(pnl) : t.grossLoss,
});

/** Win rate and profit factor of the closed trades */
export const outcomesOf = (t: TradeTally): TradeOutcomes => ({
  ...t,
  winRate: t.trades > 0 ? dec(String(t.wins)).div(t.trades) : null,
  profitFactor: t.grossLoss.gt(0) ? t.grossProfit.div(t.grossLoss) : null,
});

export interface PairRow {
  readonly symbol: string;
  readonly fills: number;
  readonly buys: number;
  readonly sells: number;
  /** Sum of price x qty */
  readonly volumeTry: string;
  readonly feesTry: string;
  /** Average-cost realized PnL after fees */
  readonly realizedPnlTry: string;
  readonly trades: number;
  readonly wins: number;
  /** Quantity held after the last cycle */
  readonly heldQty: string;
}

interface PairTally {
  fills: number;
  buys: number;
  sells: number;
  fees: Dec;
  trades: TradeTally;
}

/** The reducer keeps nothing per account, but every event names one */
const ACCOUNT = 'stage7-report';

export class TradeBook {
  #ledger: LedgerState = emptyLedgerState();
  readonly #tallies = new Map<string, PairTally>();
  #total: TradeTally = NO_TRADES;
  #cycles = 0;
  #exposedCycles = 0;

  add(r: Stage7RunRecord): void {
    const ordinal = this.#cycles;
    this.#cycles += 1;
    const events = r.fills
      .flatMap((f) => {
        const fee = dec(f.feeTry);
        return fillEvents({
          account: ACCOUNT,
          symbol: f.symbol,
          timestampMs: ordinal,
          tradeId: stage7FillId(r.cycleId, f.clientOrderId, f.symbol, f.side),
          clientOrderId: f.clientOrderId,
          side: f.side,
          qty: dec(f.qty),
          price: dec(f.price),
          fee,
          feeAsset: CASH_ASSET,
          fillFee: { fee, feeAsset: CASH_ASSET },
        });
      })
      .sort(compareLedgerEvents);
    for (const event of events) {
      const before = this.#ledger.symbols.get(event.symbol)?.average;
      this.#ledger = applyLedgerEvent(this.#ledger, event);
      if (event.type !== 'FILL') continue;
      const t = this.#tally(event.symbol);
      t.fills += 1;
      t.fees = t.fees.add(event.fee);
      if (event.side === 'BUY') {
        t.buys += 1;
        continue;
      }
      t.sells += 1;
      const after = this.#ledger.symbols.get(event.symbol)?.average;
      // a SELL of nothing held (an oversell) closes no trade
      if (before && after?.qty.lt(before.qty)) {
        const pnl = after.realizedPnl.sub(before.realizedPnl);
        t.trades = addTrade(t.trades, pnl);
        this.#total = addTrade(this.#total, pnl);
      }
    }
    if ([...this.#ledger.symbols.values()].some((b) => b.average.qty.gt(0))) this.#exposedCycles += 1;
  }

  /** Sorted by symbol */
  pairs(): PairRow[] {
    return [...this.#tallies.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([symbol, t]) => {
        const book = this.#ledger.symbols.get(symbol);
        return {
          symbol,
          fills: t.fills,
          buys: t.buys,
          sells: t.sells,
          volumeTry: toPlain(book?.turnover ?? ZERO),
          feesTry: toPlain(t.fees),
          realizedPnlTry: toPlain(book?.average.realizedPnl ?? ZERO),
          trades: t.trades.trades,
          wins: t.trades.wins,
          heldQty: toPlain(book?.average.qty ?? ZERO),
        };
      });
  }

  outcomes(): TradeOutcomes {
    return outcomesOf(this.#total);
  }

  /** Cycles that ended holding a position, and all cycles */
  exposure(): { readonly exposed: number; readonly cycles: number } {
    return { exposed: this.#exposedCycles, cycles: this.#cycles };
  }

  #tally(symbol: string): PairTally {
    const known = this.#tallies.get(symbol);
    if (known) return known;
    const fresh: PairTally = { fills: 0, buys: 0, sells: 0, fees: ZERO, trades: NO_TRADES };
    this.#tallies.set(symbol, fresh);
    return fresh;
  }
}
