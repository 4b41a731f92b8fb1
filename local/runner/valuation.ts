// Marks, equity and PnL at one moment of a local run. Equity is the account at marks: TRY plus every
// asset with a served TRY pair at its mid. PnL is the bot's own: realized + unrealized of the average-cost
// positions projected from the ledger (shared/domain/average-cost.ts).
import { type LedgerFill, type Position, projectPositions, unrealizedPnl } from '../../shared/domain/average-cost';
import { type Dec, dec, sumDec, ZERO } from '../../shared/domain/money';
import type { LedgerEvent } from '../../shared/ports/state-store';
import type { SimulatorState } from '../btcturk-sim/control';

export interface Valuation {
  readonly marks: ReadonlyMap<string, Dec>;
  readonly equity: Dec;
  readonly realized: Dec;
  readonly unrealized: Dec;
  readonly pnl: Dec;
  readonly positions: readonly Position[];
}

export const ledgerFills = (events: readonly LedgerEvent[]): LedgerFill[] =>
  events.flatMap((e) => (e.type === 'FILL' && e.side ? [{ ...e, side: e.side }] : []));

export function marksOf(state: SimulatorState): Map<string, Dec> {
  return new Map(state.pairs.map((p) => [p.symbol, dec(p.bid).add(dec(p.ask)).div(2)]));
}

export function valuate(state: SimulatorState, ledger: readonly LedgerEvent[]): Valuation {
  const marks = marksOf(state);
  const equity = sumDec(
    state.balances.map((b) =>
      b.asset === 'TRY' ? dec(b.total) : dec(b.total).mul(marks.get(`${b.asset}TRY`) ?? ZERO),
    ),
  );
  const positions = [...projectPositions(ledgerFills(ledger)).positions.values()];
  const realized = sumDec(positions.map((p) => p.realizedPnl));
  const unrealized = sumDec(positions.map((p) => unrealizedPnl(p, marks.get(p.symbol) ?? ZERO)));
  return { marks, equity, realized, unrealized, pnl: realized.add(unrealized), positions };
}
