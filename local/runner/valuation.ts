// Marks, equity and PnL at one moment of a local run. Equity is a bot's simulator account at marks: TRY plus
// every asset with a served TRY pair at its mid (never another account's money). PnL is the bot's own: realized + unrealized of the average-cost
// positions of the ledger projection (shared/application/ledger/ledger-projection.ts), as stage 3 reads them.
import { currentLedgerState } from '../../shared/application/ledger/ledger-projection';
import { type Position, unrealizedPnl } from '../../shared/domain/average-cost';
import { averageCostPositions } from '../../shared/domain/ledger/ledger-state';
import { type Dec, dec, sumDec, ZERO } from '../../shared/domain/money';
import type { Logger } from '../../shared/ports/logger';
import type { StateStores } from '../../shared/ports/state-store';
import type { SimulatorState } from '../btcturk-sim/control';

export interface Valuation {
  readonly marks: ReadonlyMap<string, Dec>;
  readonly equity: Dec;
  readonly realized: Dec;
  readonly unrealized: Dec;
  readonly pnl: Dec;
  readonly positions: readonly Position[];
}

export function marksOf(state: SimulatorState): Map<string, Dec> {
  return new Map(state.pairs.map((p) => [p.symbol, dec(p.bid).add(dec(p.ask)).div(2)]));
}

/**
 * @param account the simulator account (a bot's BOT_ACCOUNT); default the primary one, which the run's first
 * trading stage trades
 */
export function valuate(state: SimulatorState, positions: readonly Position[], account?: string): Valuation {
  const marks = marksOf(state);
  const balances =
    account === undefined ? state.balances : (state.accounts.find((a) => a.name === account)?.balances ?? []);
  const equity = sumDec(
    balances.map((b) => (b.asset === 'TRY' ? dec(b.total) : dec(b.total).mul(marks.get(`${b.asset}TRY`) ?? ZERO))),
  );
  const realized = sumDec(positions.map((p) => p.realizedPnl));
  const unrealized = sumDec(positions.map((p) => unrealizedPnl(p, marks.get(p.symbol) ?? ZERO)));
  return { marks, equity, realized, unrealized, pnl: realized.add(unrealized), positions };
}

/** The average-cost positions of the account's ledger projection, brought up to date as a cycle does */
export async function positionsOf(
  world: { readonly stores: StateStores; readonly log: Logger },
  account: string,
): Promise<Position[]> {
  const state = await currentLedgerState({ ...world.stores, log: world.log }, account);
  return [...averageCostPositions(state).values()];
}
