// Spec 4.2 steps 9-14 (planning): universe selection (empty: the configured symbols), the rules boundary,
// the final mode, the portfolio plan, the LIMIT order builder and the risk policy over the intents.
import type { ExchangeRules } from '../../domain/exchange-rules';
import { type Stage7UniverseOutcome, selectStage7Universe } from '../../domain/market/stage7-universe';
import type { Stage7UniverseState } from '../../domain/market/stage7-universe-state';
import type { Dec } from '../../domain/money';
import { buildStage7Intents, type Stage7BuiltIntent } from '../../domain/oms/stage7-order-builder';
import type { SimulatedAccount } from '../../domain/portfolio/simulated-account';
import { planStage7Portfolio, type Stage7PortfolioPlan } from '../../domain/portfolio/stage7-portfolio-policy';
import { combineModes, type Mode } from '../../domain/risk/mode';
import type { Stage7RiskDecision } from '../../domain/risk/stage7-risk-budget';
import { applyStage7RiskPolicy, type Stage7RiskedIntent } from '../../domain/risk/stage7-risk-policy';
import { canonicalSymbol } from '../../domain/symbols';
import type { Stage7MarketView } from './cycle-market';
import type { Stage7CycleSettings } from './stage7-settings';

export interface Stage7Planning {
  readonly universe: Stage7UniverseOutcome;
  /** The universe planned over: the selection, or the configured symbols when it is empty */
  readonly symbols: readonly string[];
  readonly finalMode: Mode;
  readonly rulesUnavailable: ReadonlyMap<string, string>;
  readonly plan: Stage7PortfolioPlan;
  readonly intents: readonly Stage7RiskedIntent<Stage7BuiltIntent>[];
}

export function planStage7Cycle(
  args: {
    readonly cycleId: string;
    readonly nowMs: number;
    readonly market: Stage7MarketView;
    readonly previousUniverse: Stage7UniverseState | undefined;
    readonly risk: Stage7RiskDecision;
    readonly rulesFor: (symbol: string) => ExchangeRules | undefined;
    readonly account: SimulatedAccount;
    readonly positions: ReadonlyMap<string, Dec>;
  },
  s: Stage7CycleSettings,
): Stage7Planning {
  const { market, nowMs } = args;
  const finalMode = combineModes('NORMAL', args.risk.mode);
  const universe = selectStage7Universe(
    {
      nowMs,
      pairs: market.pairs,
      tickers: market.tickers,
      books: market.books,
      candles: [],
      exchangeDegraded: market.degraded,
      observeOnly: finalMode === 'OBSERVE_ONLY',
      previous: args.previousUniverse,
    },
    s,
  );
  const symbols = universe.selected.length > 0 ? universe.selected : s.SYMBOLS.map(canonicalSymbol);
  const rulesUnavailable = new Map<string, string>();
  for (const symbol of symbols) if (!args.rulesFor(symbol)) rulesUnavailable.set(symbol, 'missing');
  const balances = Object.entries(args.account.balances()).map(([asset, b]) => ({ asset, ...b }));
  const plan = planStage7Portfolio({ universe: symbols, marks: market.marks, balances, mode: finalMode }, s);
  const built = buildStage7Intents(
    {
      cycleId: args.cycleId,
      nowMs,
      mode: finalMode,
      plan,
      marks: market.marks,
      rulesFor: args.rulesFor,
      rulesUnavailable,
    },
    s,
  );
  const risked = applyStage7RiskPolicy({ actions: [], intents: built, positions: args.positions, risk: args.risk });
  return { universe, symbols, finalMode, rulesUnavailable, plan, intents: risked.intents };
}
