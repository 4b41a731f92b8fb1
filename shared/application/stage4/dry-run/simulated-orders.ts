// Dry-run execution (spec 3.18 step 9): the actions that passed the mode gate applied to simulated order rows
// instead of the venue, so a dry run exercises the lifecycle (the next cycle sees its rows as resting and may
// replace or cancel them). Pure: rows and actions in, rows, decisions and counters out. The order journal never
// holds a simulated order: its states, counts and reconcile see only orders sent to the venue.
//
// Invariants: never two open rows for one (symbol, side) (a SUBMIT onto an open one is dropped as live's
// dedupe drops it); a CANCEL never opens a row; one row per client order id; at most the open rows plus
// MAX_CLOSED_SIMULATED_ORDERS closed ones are kept. A simulated fill never reaches the ledger: dry-run never
// touches live accounting.
import { actionDecision, type Decision } from '../../../domain/decision';
import type { Side } from '../../../domain/exchange-rules';
import type { Dec } from '../../../domain/money';
import { groupReplaces } from '../../../domain/oms/replace-groups';
import type { CancelAction, OpenOrderView, Stage4Action, SubmitAction } from '../../../domain/oms/stage4-action';

/**
 * Closed rows kept, newest closing first. They only show the operator what the dry run did lately (nothing
 * decides from them: client ids are derived per cycle, so no SUBMIT names an old one). A cycle closes at most
 * one row per (symbol, side), so 100 rows cover the last 10 cycles of a 5-symbol universe on both sides while
 * the document stays near 25 KB, far from DynamoDB's 400 KB item limit.
 */
export const MAX_CLOSED_SIMULATED_ORDERS = 100;

export const SIMULATED_STATUSES = ['open', 'canceled', 'filled'] as const;
export type SimulatedStatus = (typeof SIMULATED_STATUSES)[number];

export interface SimulatedOrder {
  readonly clientOrderId: string;
  /** `sim-<client order id>`: never a venue id */
  readonly exchangeOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly price: Dec;
  readonly qty: Dec;
  readonly status: SimulatedStatus;
  readonly createdAtMs: number;
  /** When it was canceled or filled; set exactly when the status is not `open` */
  readonly closedAtMs?: number | undefined;
  readonly mode: 'dry_run';
}

/** The best bid and ask of a symbol, what a simulated fill is judged against */
export interface SimulatedQuote {
  readonly bid: Dec;
  readonly ask: Dec;
}

export interface SimulatedCounters {
  /** Submits and cancels applied to the rows: the `simulated` of the execution report */
  simulated: number;
  simulatedFilled: number;
}

export interface SimulatedExecution {
  /** Open rows by (created, client id), then the kept closed rows, newest closing first */
  readonly rows: readonly SimulatedOrder[];
  readonly decisions: readonly Decision[];
  readonly counters: SimulatedCounters;
}

export const simulatedExchangeOrderId = (clientOrderId: string): string => `sim-${clientOrderId}`;

const LAYER = 'execution';

/**
 * Rows resting at the start of the cycle that the market crossed fill first (they filled while the cycle was
 * away, before any of its cancels), then the regular actions in the order given, then the replace groups as
 * live groups them (each group's cancels, then its submit), then any new row the market already crosses (a
 * marketable limit fills at once, as a taker).
 */
export function applySimulated(
  actions: readonly Stage4Action[],
  rows: readonly SimulatedOrder[],
  nowMs: number,
  market: ReadonlyMap<string, SimulatedQuote>,
): SimulatedExecution {
  const book = new SimulatedBook(rows, nowMs);
  book.fillCrossed(market);
  const { groups, regular, decisions } = groupReplaces(actions);
  book.decisions.push(...decisions);
  for (const action of regular) {
    if (action.kind === 'SUBMIT') book.submit(action, 'simulated');
    else book.cancel(action);
  }
  for (const group of groups) {
    for (const cancel of group.cancels) book.cancel(cancel);
    book.submit(group.submit, 'replace_simulated');
  }
  book.fillCrossed(market);
  return { rows: book.rows(), decisions: book.decisions, counters: book.counters };
}

/** The open rows as planning sees resting orders: what the next cycle's lifecycle may replace or cancel */
export const simulatedOpenViews = (rows: readonly SimulatedOrder[]): OpenOrderView[] =>
  rows
    .filter((r) => r.status === 'open')
    .map((r) => ({
      clientOrderId: r.clientOrderId,
      symbol: r.symbol,
      side: r.side,
      price: r.price,
      qty: r.qty,
      updatedAtMs: r.createdAtMs,
    }));

/** True when `quote` crosses an open row's limit: a BUY at or above the ask, a SELL at or below the bid */
export const crosses = (row: Pick<SimulatedOrder, 'side' | 'price'>, quote: SimulatedQuote): boolean =>
  row.side === 'BUY' ? row.price.gte(quote.ask) : row.price.lte(quote.bid);

/** The rows of one execution, keyed by client order id, with what was decided about them */
class SimulatedBook {
  readonly #rows: Map<string, SimulatedOrder>;
  readonly #nowMs: number;
  readonly decisions: Decision[] = [];
  readonly counters: SimulatedCounters = { simulated: 0, simulatedFilled: 0 };

  constructor(rows: readonly SimulatedOrder[], nowMs: number) {
    this.#rows = new Map(rows.map((r) => [r.clientOrderId, r]));
    this.#nowMs = nowMs;
  }

  submit(action: SubmitAction, code: string): void {
    const open = [...this.#rows.values()].filter((r) => r.status === 'open');
    if (open.some((r) => r.clientOrderId === action.clientOrderId || keyOf(r) === keyOf(action))) {
      this.decisions.push(actionDecision(LAYER, action, 'DROP', 'open_order_exists'));
      return;
    }
    // a closed row under the same id gives way: one row per client id, as the journal keeps one entry
    this.#rows.set(action.clientOrderId, {
      clientOrderId: action.clientOrderId,
      exchangeOrderId: simulatedExchangeOrderId(action.clientOrderId),
      symbol: action.symbol,
      side: action.side,
      price: action.price,
      qty: action.qty,
      status: 'open',
      createdAtMs: this.#nowMs,
      mode: 'dry_run',
    });
    this.counters.simulated += 1;
    this.decisions.push(actionDecision(LAYER, action, 'ACCEPT', code));
  }

  cancel(action: CancelAction): void {
    const row = this.#rows.get(action.clientOrderId);
    if (row === undefined || row.status !== 'open') {
      const code = row === undefined ? 'cancel_order_not_found' : 'cancel_order_not_resting';
      this.decisions.push(actionDecision(LAYER, action, 'DROP', code));
      return;
    }
    this.#close(row, 'canceled');
    this.counters.simulated += 1;
    this.decisions.push(actionDecision(LAYER, action, 'ACCEPT', 'simulated'));
  }

  fillCrossed(market: ReadonlyMap<string, SimulatedQuote>): void {
    for (const row of this.#rows.values()) {
      const quote = market.get(row.symbol);
      if (row.status !== 'open' || quote === undefined || !crosses(row, quote)) continue;
      this.#close(row, 'filled');
      this.counters.simulatedFilled += 1;
      this.decisions.push(actionDecision(LAYER, row, 'ACCEPT', 'simulated_filled'));
    }
  }

  rows(): SimulatedOrder[] {
    const all = [...this.#rows.values()];
    const open = all
      .filter((r) => r.status === 'open')
      .sort((a, b) => a.createdAtMs - b.createdAtMs || compare(a.clientOrderId, b.clientOrderId));
    const closed = all
      .filter((r) => r.status !== 'open')
      .sort((a, b) => (b.closedAtMs ?? 0) - (a.closedAtMs ?? 0) || compare(a.clientOrderId, b.clientOrderId))
      .slice(0, MAX_CLOSED_SIMULATED_ORDERS);
    return [...open, ...closed];
  }

  #close(row: SimulatedOrder, status: 'canceled' | 'filled'): void {
    this.#rows.set(row.clientOrderId, { ...row, status, closedAtMs: this.#nowMs });
  }
}

const keyOf = (o: { readonly symbol: string; readonly side: Side }): string => `${o.symbol}|${o.side}`;

/** Code-unit order: the same on every runtime */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
