// Unknown-order escalation (spec 9.1.5): consecutive failed reconciles of a symbol make it observe-only,
// and enough observe-only symbols, or one reconcile message that exhausted its deliveries, set the stored
// kill switch. Pure rules over the op-state value; loading and saving it is shared/application/op-state.
//
// Lifting: a settled reconcile of a symbol resets its failure count and lifts its observe-only at once
// (the order that failed to settle is settled now). The stored kill switch is never lifted by a rule:
// only the operator clears it (`btcbot kill-switch clear-stored`).

export interface SymbolEscalation {
  /** Failed reconciles of this symbol since its last settled one */
  readonly consecutiveFailures: number;
  /** Set when the symbol became observe-only: no new order is sent for it until a reconcile settles */
  readonly observeOnlySinceMs?: number;
  /** The client order id of the last failed reconcile (what the operator looks up) */
  readonly lastClientOrderId?: string;
}

export interface StoredKillSwitch {
  readonly on: true;
  /** Why it was set, e.g. `reconcile_exhausted:<client order id>` */
  readonly reason: string;
  readonly sinceMs: number;
}

/** The op-state document of one account: per-symbol escalation and the stored kill switch */
export interface OpState {
  readonly symbols: Readonly<Record<string, SymbolEscalation>>;
  readonly killSwitch?: StoredKillSwitch;
}

export interface EscalationThresholds {
  /** RECONCILE_ESCALATE_SYMBOL_AFTER: consecutive failures that make a symbol observe-only (>= 1) */
  readonly symbolAfter: number;
  /** RECONCILE_ESCALATE_KILL_SWITCH_SYMBOLS: observe-only symbols that set the stored kill switch (>= 1) */
  readonly killSwitchSymbols: number;
}

export interface EscalationSettings {
  readonly RECONCILE_ESCALATE_SYMBOL_AFTER: number;
  readonly RECONCILE_ESCALATE_KILL_SWITCH_SYMBOLS: number;
}

export const escalationThresholdsOf = (s: EscalationSettings): EscalationThresholds => ({
  symbolAfter: s.RECONCILE_ESCALATE_SYMBOL_AFTER,
  killSwitchSymbols: s.RECONCILE_ESCALATE_KILL_SWITCH_SYMBOLS,
});

export const EMPTY_OP_STATE: OpState = Object.freeze({ symbols: Object.freeze({}) });

/** Symbols that are observe-only, sorted */
export const observeOnlySymbols = (state: OpState): string[] =>
  Object.entries(state.symbols)
    .filter(([, s]) => s.observeOnlySinceMs !== undefined)
    .map(([symbol]) => symbol)
    .sort();

export const isObserveOnly = (state: OpState, symbol: string): boolean =>
  state.symbols[symbol]?.observeOnlySinceMs !== undefined;

export const killSwitchOn = (state: OpState): boolean => state.killSwitch?.on === true;

function withSymbol(state: OpState, symbol: string, entry: SymbolEscalation | undefined): OpState {
  const { [symbol]: _dropped, ...others } = state.symbols;
  return { ...state, symbols: entry === undefined ? others : { ...others, [symbol]: entry } };
}

/** Sets the stored kill switch unless it is already on (the first reason and time are kept) */
function setKillSwitch(state: OpState, reason: string, nowMs: number): OpState {
  return killSwitchOn(state) ? state : { ...state, killSwitch: { on: true, reason, sinceMs: nowMs } };
}

function applyGlobalThreshold(state: OpState, nowMs: number, thresholds: EscalationThresholds): OpState {
  const observeOnly = observeOnlySymbols(state);
  return observeOnly.length >= thresholds.killSwitchSymbols
    ? setKillSwitch(state, `reconcile_failures:observe_only=${observeOnly.join(',')}`, nowMs)
    : state;
}

/**
 * One reconcile of an order of `symbol`. Settled: the symbol's count resets and its observe-only lifts.
 * Failed (still pending, or the exchange unreachable): the count grows; at `symbolAfter` the symbol is
 * observe-only; at `killSwitchSymbols` observe-only symbols the stored kill switch is set.
 * @returns `state` itself when nothing changed (a settle of a symbol with no record), so callers can skip a write
 */
export function recordReconcile(
  state: OpState,
  symbol: string,
  settled: boolean,
  nowMs: number,
  thresholds: EscalationThresholds,
  clientOrderId?: string,
): OpState {
  const current = state.symbols[symbol];
  if (settled) return current === undefined ? state : withSymbol(state, symbol, undefined);
  const consecutiveFailures = (current?.consecutiveFailures ?? 0) + 1;
  const observeOnlySinceMs =
    current?.observeOnlySinceMs ?? (consecutiveFailures >= thresholds.symbolAfter ? nowMs : undefined);
  const lastClientOrderId = clientOrderId ?? current?.lastClientOrderId;
  const next = withSymbol(state, symbol, {
    consecutiveFailures,
    ...(observeOnlySinceMs === undefined ? {} : { observeOnlySinceMs }),
    ...(lastClientOrderId === undefined ? {} : { lastClientOrderId }),
  });
  return applyGlobalThreshold(next, nowMs, thresholds);
}

/**
 * A reconcile message used its last delivery without settling its order (it is being dead-lettered): the
 * symbol (when known) is observe-only at once and the stored kill switch is set, naming the order.
 */
export function recordExhausted(
  state: OpState,
  symbol: string | undefined,
  clientOrderId: string,
  nowMs: number,
): OpState {
  let next = state;
  if (symbol !== undefined) {
    const current = next.symbols[symbol];
    next = withSymbol(next, symbol, {
      consecutiveFailures: current?.consecutiveFailures ?? 0,
      observeOnlySinceMs: current?.observeOnlySinceMs ?? nowMs,
      lastClientOrderId: clientOrderId,
    });
  }
  return setKillSwitch(next, `reconcile_exhausted:${clientOrderId}${symbol ? `:${symbol}` : ''}`, nowMs);
}

/** The operator's clear: the stored kill switch goes off; symbols stay as they are */
export function clearKillSwitch(state: OpState): OpState {
  if (!killSwitchOn(state)) return state;
  const { killSwitch: _cleared, ...rest } = state;
  return rest;
}

/** The operator's clear of one symbol: its count and observe-only go */
export const clearSymbol = (state: OpState, symbol: string): OpState =>
  state.symbols[symbol] === undefined ? state : withSymbol(state, symbol, undefined);
