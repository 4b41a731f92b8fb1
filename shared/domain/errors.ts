// The typed error hierarchy (STYLE.md section 9): every failure a caller must treat differently has its own class.
// Messages name the ids involved, read "expected X, was Y", and never carry secrets or signed material.

export abstract class TradingError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface ConfigIssue {
  readonly variable: string;
  readonly message: string;
}

/** Environment or secret invalid: crash at cold start, before any event is handled */
export class ConfigError extends TradingError {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], heading = 'invalid configuration') {
    super(`${heading}: ${issues.map((i) => `${i.variable}: ${i.message}`).join('; ')}`);
    this.issues = issues;
  }
}

export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** A bad event, message, response or item: fail that record, never half-process it */
export class ValidationError extends TradingError {
  readonly source: string;
  readonly issues: readonly ValidationIssue[];
  constructor(source: string, issues: readonly ValidationIssue[], options?: ErrorOptions) {
    const listed = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    super(`invalid ${source}: ${listed}`, options);
    this.source = source;
    this.issues = issues;
  }
}

/** A state machine refused a transition: a bug or a stale decision, never retried */
export class InvalidTransitionError extends TradingError {
  constructor(
    readonly machine: string,
    readonly from: string,
    readonly event: string,
    readonly subject?: string,
  ) {
    super(`${machine}${subject ? ` ${subject}` : ''}: no transition from ${from} on ${event}`);
  }
}

/** Price times quantity is below the minimum notional after quantization (never rounded up silently) */
export class BelowMinNotionalError extends TradingError {
  constructor(
    readonly symbol: string,
    readonly notional: string,
    readonly minNotional: string,
  ) {
    super(`${symbol}: expected notional >= ${minNotional}, was ${notional}`);
  }
}

export type OrderSizeReason = 'invalid_price' | 'invalid_quantity' | 'qty_rounds_to_zero' | 'price_rounds_to_zero';

/** Price or quantity is unusable for the symbol's rules (non-positive, or rounds to zero) */
export class InvalidOrderSizeError extends TradingError {
  constructor(
    readonly symbol: string,
    readonly reason: OrderSizeReason,
    detail: string,
  ) {
    super(`${symbol}: ${reason}: ${detail}`);
  }
}

/** A risk rule said no; `reason` is the spec's reason code */
export class RiskLimitError extends TradingError {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

/** The venue definitively refused the request (HTTP 400 with a known code or token) */
export class ExchangeRejectedError extends TradingError {
  constructor(
    readonly token: string,
    readonly code: number | undefined,
    readonly httpStatus: number,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`exchange rejected (${httpStatus} ${token}${code === undefined ? '' : ` code ${code}`}): ${detail}`, options);
  }
}

/** The request certainly did not reach the venue (or was refused before processing): safe to retry later */
export class ExchangeUnavailableError extends TradingError {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The venue answered 429, or our limiter is backing off after one: a read that failed this way puts the
 * cycle into observe-only (spec 2.3 step 15, EXCHANGE_429_BACKOFF)
 */
export class ExchangeRateLimitedError extends ExchangeUnavailableError {}

/** The request may have been processed: reconcile, never assume rejected, never re-send blindly */
export class OutcomeUnknownError extends TradingError {
  constructor(
    readonly operation: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`${operation}: outcome unknown: ${detail}`, options);
  }
}

/** Lost an optimistic-lock race: re-read and decide again, never overwrite */
export class ConcurrentUpdateError extends TradingError {
  constructor(
    readonly key: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`${key}: ${detail}`, options);
  }
}

/** This invocation no longer holds the lease epoch it acts under: it must stop writing */
export class StaleLeaseError extends TradingError {
  constructor(
    readonly lease: string,
    readonly epoch: number,
    options?: ErrorOptions,
  ) {
    super(`${lease}: lease epoch ${epoch} is no longer current`, options);
  }
}

/** The same idempotency key arrived with a different payload */
export class IdempotencyConflictError extends TradingError {
  constructor(
    readonly key: string,
    readonly expectedHash: string,
    readonly actualHash: string,
  ) {
    super(`${key}: expected payload hash ${expectedHash}, was ${actualHash}`);
  }
}

/** A live write was attempted while an arming gate blocks side effects (defence in depth) */
export class LiveTradingNotArmedError extends TradingError {
  constructor(readonly reasons: readonly string[]) {
    super(`live side effects are blocked: ${reasons.join(', ')}`);
  }
}

/** Exchange metadata for a symbol is missing or unusable */
export class InvalidExchangeRulesError extends TradingError {
  constructor(
    readonly symbol: string,
    readonly status: string,
    detail: string,
  ) {
    super(`${symbol}: ${status}: ${detail}`);
  }
}

/** A symbol could not be normalized or split into base and quote */
export class SymbolFormatError extends TradingError {
  constructor(readonly input: string) {
    super(`expected a symbol like BTCTRY or BTC_TRY, was ${JSON.stringify(input)}`);
  }
}

/** A cursor write below the stored value (spec 3.8: cursors only move forward); nothing was written */
export class CursorRegressionError extends TradingError {
  constructor(
    readonly key: string,
    readonly stored: number,
    readonly attempted: number,
  ) {
    super(`cursor ${key}: expected a value >= ${stored}, was ${attempted}`);
  }
}

/**
 * A stored item or document is malformed: nothing may act on it. A cycle that meets one stops before any
 * exchange write and names it (its key and field); the operator repairs it.
 */
export class CorruptStateError extends ValidationError {}

/**
 * A ledger event sorts before the last event a projection applied: it cannot be applied incrementally.
 * The caller rebuilds the projection from the ledger (replay orders every event), nothing else.
 */
export class LedgerOutOfOrderError extends TradingError {
  constructor(
    readonly eventKey: string,
    readonly lastEventKey: string,
  ) {
    super(`ledger event ${eventKey}: expected a key after ${lastEventKey}; rebuild the projection from the ledger`);
  }
}

/** The capital policy (spec 3.11) refused a checkpoint; `reason` is the spec's decision code */
export class CapitalPolicyError extends TradingError {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

/** A simulated account (stage 7) cannot cover a fill or a lock: the balance would go negative; nothing changed */
export class InsufficientBalanceError extends TradingError {
  constructor(
    readonly asset: string,
    readonly required: string,
    readonly available: string,
  ) {
    super(`${asset}: expected a free balance >= ${required}, was ${available}`);
  }
}

/** The simulated market answered a stage 7 submit with a NON_RETRYABLE failure (spec 4.10 step 8: it propagates) */
export class NonRetryableSubmitError extends TradingError {
  constructor(
    readonly clientOrderId: string,
    readonly attempt: number,
    readonly failure: string,
  ) {
    super(`${clientOrderId}: simulated submit attempt ${attempt} failed with ${failure}, which is not retried`);
  }
}

/** A backtest's replay exchange was asked for more than stage 7's public reads (tickers, exchange info, time) */
export class PublicReadsOnlyError extends TradingError {
  constructor(readonly method: string) {
    super(`the replay exchange serves stage 7's public reads only (tickers, exchangeInfo, serverTime), not ${method}`);
  }
}

/** A backtest could not start or continue: what was wrong, and for a cycle, which one */
export class BacktestError extends TradingError {}

/** A stage 7 run folder that holds no whole run: missing, half written (no run.json), or without its records */
export class RunFolderError extends TradingError {
  constructor(
    readonly dir: string,
    reason: string,
  ) {
    super(`${dir}: ${reason}`);
  }
}

/** The problems a replay dataset (spec 4.19) can have; spec codes first, then the checks a trader's data needs */
export type ReplayDatasetCode =
  | 'dataset_missing'
  | 'dataset_not_directory'
  | 'missing_candles_folder'
  | 'missing_orderbook_folder'
  | 'missing_candles_files'
  | 'missing_orderbook_files'
  | 'invalid_schema'
  | 'invalid_timestamp'
  | 'non_monotonic_timestamp'
  | 'insufficient_rows'
  | 'symbol_mismatch'
  | 'gap'
  | 'invalid_value'
  | 'invalid_symbol'
  | 'duplicate_symbol'
  | 'invalid_exchangeinfo'
  | 'missing_pair_rules';

/** A replay dataset (or a file imported into one) is unusable: the code says what, file and line say where */
export class ReplayDatasetError extends TradingError {
  constructor(
    readonly code: ReplayDatasetCode,
    readonly detail: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(`${code}: ${file === undefined ? '' : `${file}${line === undefined ? '' : `:${line}`}: `}${detail}`);
  }
}

/**
 * The CLI cannot name a deployed resource (state table, queue, parameter, secret): `usage` when nothing named
 * it (no flag, variable or --env: exit 2), otherwise the --env stack or its output is missing (exit 1)
 */
export class UnresolvedResourceError extends TradingError {
  constructor(
    message: string,
    readonly usage: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A step of a deployment to an emulator failed: `step` names it, the message carries the tool's last output lines */
export class DeployError extends TradingError {
  constructor(
    readonly step: string,
    detail: string,
  ) {
    super(`${step}: ${detail}`);
  }
}
