// What stage 7's universe selection (spec 4.5) decides from: its knobs, the market as read this cycle and the
// state the previous selection left, with the sanity check refusing what parses but cannot be true (a NaN, a
// negative volume, a symbol listed twice, a state from the future). Prices that are merely unusable (a bid of
// 0, a crossed book, a close <= 0) are not refused: the spec turns them into a missing metric.
import type { Stage7Params } from '../adaptation/stage7-params';
import { ValidationError, type ValidationIssue } from '../errors';
import type { PairMetadata } from '../exchange-rules';
import type { Dec } from '../money';
import type { Stage7UniverseState } from './stage7-universe-state';
import { type Bad, canonical, unique } from './universe-input';

/** The knobs of spec 1.12 the selection reads, named and typed as in shared/config/knobs.ts */
export interface Stage7UniverseSettings {
  readonly STAGE7_UNIVERSE_SIZE: number;
  readonly STAGE7_UNIVERSE_QUOTE_CCY: string;
  /** Canonical symbols; unset or empty: no allowlist */
  readonly STAGE7_UNIVERSE_WHITELIST?: readonly string[] | undefined;
  readonly STAGE7_UNIVERSE_BLACKLIST?: readonly string[] | undefined;
  readonly STAGE7_MIN_QUOTE_VOLUME_TRY: Dec;
  /** 0 turns the spread limit off */
  readonly STAGE7_MAX_SPREAD_BPS: Dec;
  readonly STAGE7_VOL_LOOKBACK: number;
  /** Keys other than liquidity, spread and volatility are ignored; a missing key weighs 0 */
  readonly STAGE7_SCORE_WEIGHTS: readonly { readonly key: string; readonly weight: Dec }[];
  readonly STAGE7_MAX_DATA_AGE_SEC: number;
  readonly STAGE7_UNIVERSE_GOVERNANCE_PROBATION_CYCLES: number;
  readonly STAGE7_UNIVERSE_GOVERNANCE_COOLDOWN_SEC: number;
  readonly STAGE7_UNIVERSE_GOVERNANCE_MAX_CHURN_PER_DAY: number;
}

export type UniverseParams = Pick<Stage7Params, 'universeSize' | 'scoreWeights' | 'maxSpreadBps' | 'minQuoteVolumeTry'>;

/** Spec 4.2 step 1: the active params override universe size, score weights, max spread and min volume */
export const withActiveParams = <S extends Stage7UniverseSettings>(s: S, p: UniverseParams): S => ({
  ...s,
  STAGE7_UNIVERSE_SIZE: p.universeSize,
  STAGE7_SCORE_WEIGHTS: [
    { key: 'liquidity', weight: p.scoreWeights.liquidity },
    { key: 'spread', weight: p.scoreWeights.spread },
    { key: 'volatility', weight: p.scoreWeights.volatility },
  ],
  STAGE7_MAX_SPREAD_BPS: p.maxSpreadBps,
  STAGE7_MIN_QUOTE_VOLUME_TRY: p.minQuoteVolumeTry,
});

/** A 24 h ticker row; every field the venue left out is absent */
export interface Stage7Ticker {
  readonly symbol: string;
  /** BTCTurk's `volume` is in base units (BTCTURK_API 6.3), not TRY */
  readonly volume?: Dec | undefined;
  /** Volume in the quote currency, when the source gives it (replay data's quote_volume) */
  readonly quoteVolume?: Dec | undefined;
  readonly last?: Dec | undefined;
  readonly high?: Dec | undefined;
  readonly low?: Dec | undefined;
  readonly priceChangePercent?: Dec | undefined;
}

/** The best bid and ask of a symbol; `observedAtMs` absent when the source had no timestamp */
export interface Stage7Book {
  readonly symbol: string;
  readonly bid: Dec;
  readonly ask: Dec;
  readonly observedAtMs?: number | undefined;
}

/** Candle closes of a symbol, oldest first */
export interface Stage7Closes {
  readonly symbol: string;
  readonly closes: readonly Dec[];
}

export interface Stage7UniverseInput {
  readonly nowMs: number;
  /** Exchange info; the caller passes [] when it could not be read (spec 4.5 step 3: errors -> empty) */
  readonly pairs: readonly PairMetadata[];
  readonly tickers: readonly Stage7Ticker[];
  /** Canonical symbols; a symbol without a book has no spread and no age */
  readonly books: readonly Stage7Book[];
  readonly candles: readonly Stage7Closes[];
  /** The exchange health snapshot says degraded */
  readonly exchangeDegraded: boolean;
  /** The exchange adapter's observe_only flag */
  readonly observeOnly: boolean;
  /** The state the previous selection saved (role STAGE7), absent before the first one */
  readonly previous?: Stage7UniverseState | undefined;
}

/** @throws ValidationError naming every setting that cannot be used */
export function checkUniverseSettings(s: Stage7UniverseSettings): void {
  const issues: ValidationIssue[] = [];
  const bad: Bad = (path, message) => issues.push({ path, message });
  const int = (name: keyof Stage7UniverseSettings, min: number) => {
    const v = s[name] as number;
    if (!(Number.isSafeInteger(v) && v >= min)) bad(name, `expected an integer >= ${min}, was ${v}`);
  };
  int('STAGE7_UNIVERSE_SIZE', 1);
  int('STAGE7_VOL_LOOKBACK', 1);
  int('STAGE7_MAX_DATA_AGE_SEC', 1);
  int('STAGE7_UNIVERSE_GOVERNANCE_PROBATION_CYCLES', 0);
  int('STAGE7_UNIVERSE_GOVERNANCE_COOLDOWN_SEC', 0);
  int('STAGE7_UNIVERSE_GOVERNANCE_MAX_CHURN_PER_DAY', 0);
  nonNegative(s.STAGE7_MIN_QUOTE_VOLUME_TRY, 'STAGE7_MIN_QUOTE_VOLUME_TRY', bad);
  nonNegative(s.STAGE7_MAX_SPREAD_BPS, 'STAGE7_MAX_SPREAD_BPS', bad);
  for (const e of s.STAGE7_SCORE_WEIGHTS) finite(e.weight, `STAGE7_SCORE_WEIGHTS.${e.key}`, bad);
  if (s.STAGE7_UNIVERSE_QUOTE_CCY.trim() === '') bad('STAGE7_UNIVERSE_QUOTE_CCY', 'expected a currency, was empty');
  for (const name of ['STAGE7_UNIVERSE_WHITELIST', 'STAGE7_UNIVERSE_BLACKLIST'] as const) {
    for (const symbol of s[name] ?? []) canonical(symbol, `${name}.${symbol}`, bad);
  }
  if (issues.length > 0) throw new ValidationError('stage 7 universe settings', issues);
}

/** @throws ValidationError naming every market row or state field that cannot be true */
export function checkUniverseInput(input: Stage7UniverseInput): void {
  const issues: ValidationIssue[] = [];
  const bad: Bad = (path, message) => issues.push({ path, message });
  epochMs(input.nowMs, 'nowMs', bad);
  for (const [list, rows] of [
    ['tickers', input.tickers],
    ['books', input.books],
    ['candles', input.candles],
  ] as const) {
    unique(
      rows.map((r) => r.symbol),
      list,
      bad,
    );
    for (const r of rows) canonical(r.symbol, `${list}.${r.symbol}`, bad);
  }
  for (const t of input.tickers) {
    const at = `tickers.${t.symbol}`;
    for (const field of ['last', 'high', 'low', 'priceChangePercent'] as const) finite(t[field], `${at}.${field}`, bad);
    nonNegative(t.volume, `${at}.volume`, bad);
    nonNegative(t.quoteVolume, `${at}.quoteVolume`, bad);
  }
  for (const b of input.books) {
    finite(b.bid, `books.${b.symbol}.bid`, bad);
    finite(b.ask, `books.${b.symbol}.ask`, bad);
    if (b.observedAtMs !== undefined) epochMs(b.observedAtMs, `books.${b.symbol}.observedAtMs`, bad);
  }
  for (const c of input.candles) {
    c.closes.forEach((x, i) => {
      finite(x, `candles.${c.symbol}.closes.${i}`, bad);
    });
  }
  if (input.previous) checkPrevious(input.previous, input.nowMs, bad);
  if (issues.length > 0) throw new ValidationError('stage 7 universe input', issues);
}

function checkPrevious(p: Stage7UniverseState, nowMs: number, bad: Bad): void {
  const notAfterNow = (ms: number, path: string) => {
    epochMs(ms, path, bad);
    if (ms > nowMs) bad(path, `expected <= nowMs ${nowMs}, was ${ms}`);
  };
  notAfterNow(p.atMs, 'previous.atMs');
  unique(p.selected, 'previous.selected', bad);
  for (const symbol of p.selected) canonical(symbol, `previous.selected.${symbol}`, bad);
  p.churnLog.forEach((e, i) => {
    notAfterNow(e.atMs, `previous.churnLog.${i}.atMs`);
    if (!(Number.isSafeInteger(e.churn) && e.churn >= 0))
      bad(`previous.churnLog.${i}.churn`, `expected >= 0, was ${e.churn}`);
  });
  unique(
    p.symbolStates.map((st) => st.symbol),
    'previous.symbolStates',
    bad,
  );
  for (const st of p.symbolStates) {
    const at = `previous.symbolStates.${st.symbol}`;
    canonical(st.symbol, at, bad);
    if (!(Number.isSafeInteger(st.probationPasses) && st.probationPasses >= 0)) {
      bad(`${at}.probationPasses`, `expected a count >= 0, was ${st.probationPasses}`);
    }
    if (st.cooldownUntilMs !== undefined) epochMs(st.cooldownUntilMs, `${at}.cooldownUntilMs`, bad);
    if (st.lastAddedMs !== undefined) notAfterNow(st.lastAddedMs, `${at}.lastAddedMs`);
    if (st.lastRemovedMs !== undefined) notAfterNow(st.lastRemovedMs, `${at}.lastRemovedMs`);
  }
}

function epochMs(ms: number, path: string, bad: Bad): void {
  if (!(Number.isSafeInteger(ms) && ms >= 0)) bad(path, `expected epoch ms, was ${ms}`);
}

function finite(x: Dec | undefined, path: string, bad: Bad): void {
  if (x !== undefined && !x.isFinite()) bad(path, `expected a finite decimal, was ${x.toString()}`);
}

function nonNegative(x: Dec | undefined, path: string, bad: Bad): void {
  if (x !== undefined && !(x.isFinite() && x.gte(0))) bad(path, `expected a decimal >= 0, was ${x.toString()}`);
}
