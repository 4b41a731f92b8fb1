// Stage 7 active parameters (spec 4.3) and their bounds (4.16 step 3). A version's params never change once
// activated: its checkpoint holds exactly what it activated. Bounds are a clamp and idempotent
// (bound(bound(p)) = bound(p)): score weights come out with 8 decimals summing to exactly 1, so normalising
// them again changes nothing.
import { ValidationError, type ValidationIssue } from '../errors';
import { canonicalJson } from '../hashing';
import { type Dec, dec, floorToStep, maxDec, minDec, ONE, sumDec, toPlain, ZERO } from '../money';

export const SCORE_WEIGHT_KEYS = ['liquidity', 'spread', 'volatility'] as const;
export type ScoreWeightKey = (typeof SCORE_WEIGHT_KEYS)[number];
export type ScoreWeights = Readonly<Record<ScoreWeightKey, Dec>>;

/** Spec 4.5 / 4.16: used when no weight is positive */
export const DEFAULT_SCORE_WEIGHTS: ScoreWeights = Object.freeze({
  liquidity: dec('0.5'),
  spread: dec('0.3'),
  volatility: dec('0.2'),
});

export interface Stage7Params {
  readonly universeSize: number;
  readonly scoreWeights: ScoreWeights;
  readonly orderOffsetBps: Dec;
  /** Turnover cap of a cycle (stage 7's NOTIONAL_CAP_TRY_PER_CYCLE) */
  readonly turnoverCapTry: Dec;
  readonly maxOrdersPerCycle: number;
  readonly maxSpreadBps: Dec;
  readonly cashTargetTry: Dec;
  readonly minQuoteVolumeTry: Dec;
  /** >= 1; a version number is never reused for other params */
  readonly version: number;
  /** When this version was created (epoch ms, UTC) */
  readonly updatedAtMs: number;
}

/** The knobs version 1 is built from (spec 4.3); names and types as shared/config/knobs.ts */
export interface Stage7ParamsSettings extends Stage7BoundsSettings {
  readonly STAGE7_UNIVERSE_SIZE: number;
  /** Entries for keys other than the three score weights are ignored; a missing key weighs 0 */
  readonly STAGE7_SCORE_WEIGHTS: readonly { readonly key: string; readonly weight: Dec }[];
  readonly STAGE7_ORDER_OFFSET_BPS: Dec;
  readonly MAX_ORDERS_PER_CYCLE: number;
  readonly STAGE7_MAX_SPREAD_BPS: Dec;
  readonly TRY_CASH_TARGET: Dec;
  readonly STAGE7_MIN_QUOTE_VOLUME_TRY: Dec;
}

/** The knobs the bounds depend on (spec 4.16 step 3) */
export interface Stage7BoundsSettings {
  /** Upper bound of the turnover cap, and the turnover cap of version 1 */
  readonly NOTIONAL_CAP_TRY_PER_CYCLE: Dec;
  /** Upper bound of the cash target */
  readonly TRY_CASH_MAX: Dec;
}

export const PARAM_BOUNDS = Object.freeze({
  universeSize: { min: 5, max: 50 },
  orderOffsetBps: { min: dec('0'), max: dec('50') },
  maxOrdersPerCycle: { min: 1, max: 20 },
  maxSpreadBps: { min: dec('10'), max: dec('500') },
});

const WEIGHT_STEP = dec('0.00000001');

/**
 * Weights clipped to [0, 1] and scaled to sum 1 (all zero: the defaults), floored to 8 decimals with the
 * rounding remainder (< 3e-8) given to the largest weight (the first of the largest in key order).
 */
export function normalizeScoreWeights(weights: ScoreWeights): ScoreWeights {
  const key = JSON.stringify(SCORE_WEIGHT_KEYS.map((k) => String(weights[k])));
  return remembered(normalized, key, () => normalize(weights));
}

/**
 * Results by their inputs' exact values (decimal strings): adaptation bounds the active params and universe
 * scoring reads the weights knob on every cycle, nearly always with the same weights, and the divisions cost
 * more than the rest of either. Bounded: cleared when full. The weights handed out are frozen (shared).
 */
const normalized = new Map<string, ScoreWeights>();
const fromKnob = new Map<string, ScoreWeights>();
const REMEMBERED_MAX = 256;

function remembered(memo: Map<string, ScoreWeights>, key: string, compute: () => ScoreWeights): ScoreWeights {
  let weights = memo.get(key);
  if (weights === undefined) {
    weights = Object.freeze(compute());
    if (memo.size >= REMEMBERED_MAX) memo.clear();
    memo.set(key, weights);
  }
  return weights;
}

function normalize(weights: ScoreWeights): ScoreWeights {
  const clipped = SCORE_WEIGHT_KEYS.map((k) => minDec(ONE, maxDec(ZERO, weights[k])));
  const total = sumDec(clipped);
  if (total.lte(ZERO)) return DEFAULT_SCORE_WEIGHTS;
  const scaled = clipped.map((w) => floorToStep(w.div(total), WEIGHT_STEP));
  const largest = scaled.reduce((at, w, i) => (w.gt(scaled[at] as Dec) ? i : at), 0);
  scaled[largest] = (scaled[largest] as Dec).add(ONE.sub(sumDec(scaled)));
  const [liquidity, spread, volatility] = scaled as [Dec, Dec, Dec];
  return { liquidity, spread, volatility };
}

const clampDec = (x: Dec, min: Dec, max: Dec): Dec => minDec(max, maxDec(min, x));
const clampInt = (x: number, min: number, max: number): number => Math.min(max, Math.max(min, x));

/**
 * Spec 4.16 step 3: universe 5..50, weights normalised, offset 0..50, turnover 0..NOTIONAL_CAP_TRY_PER_CYCLE,
 * orders 1..20, spread 10..500, cash target 0..TRY_CASH_MAX, min volume >= 0; version and time kept.
 * @throws ValidationError params that are not numbers at all (see validateParams)
 */
export function boundParams(params: Stage7Params, settings: Stage7BoundsSettings): Stage7Params {
  assertParams(params, 'stage 7 params');
  const b = PARAM_BOUNDS;
  return {
    universeSize: clampInt(params.universeSize, b.universeSize.min, b.universeSize.max),
    scoreWeights: normalizeScoreWeights(params.scoreWeights),
    orderOffsetBps: clampDec(params.orderOffsetBps, b.orderOffsetBps.min, b.orderOffsetBps.max),
    turnoverCapTry: clampDec(params.turnoverCapTry, ZERO, maxDec(ZERO, settings.NOTIONAL_CAP_TRY_PER_CYCLE)),
    maxOrdersPerCycle: clampInt(params.maxOrdersPerCycle, b.maxOrdersPerCycle.min, b.maxOrdersPerCycle.max),
    maxSpreadBps: clampDec(params.maxSpreadBps, b.maxSpreadBps.min, b.maxSpreadBps.max),
    cashTargetTry: clampDec(params.cashTargetTry, ZERO, maxDec(ZERO, settings.TRY_CASH_MAX)),
    minQuoteVolumeTry: maxDec(ZERO, params.minQuoteVolumeTry),
    version: params.version,
    updatedAtMs: params.updatedAtMs,
  };
}

/**
 * STAGE7_SCORE_WEIGHTS as weights (a missing key weighs 0, a negative one 0), scaled to sum 1 and then normalised
 * as adaptation bounds them, so 3:1 keeps its proportion and all zero falls back to 0.5/0.3/0.2
 */
export function scoreWeightsFromKnob(entries: readonly { readonly key: string; readonly weight: Dec }[]): ScoreWeights {
  const key = JSON.stringify(entries.map((e) => [e.key, String(e.weight)]));
  return remembered(fromKnob, key, () => weightsOfKnob(entries));
}

function weightsOfKnob(entries: readonly { readonly key: string; readonly weight: Dec }[]): ScoreWeights {
  const raw = SCORE_WEIGHT_KEYS.map((key) => maxDec(ZERO, entries.findLast((e) => e.key === key)?.weight ?? ZERO));
  const total = sumDec(raw);
  const [liquidity, spread, volatility] = raw.map((w) => (total.gt(ZERO) ? w.div(total) : w)) as [Dec, Dec, Dec];
  return normalizeScoreWeights({ liquidity, spread, volatility });
}

/**
 * Version 1 from the settings, bounded, so an active row is always within the bounds (spec 4.3). The knob's
 * weights are first scaled to sum 1 as universe scoring reads them (spec 4.5), so `liquidity:3,spread:1`
 * keeps its 3:1 proportion instead of being clipped to 1:1.
 */
export function initialParams(settings: Stage7ParamsSettings, nowMs: number): Stage7Params {
  return boundParams(
    {
      universeSize: settings.STAGE7_UNIVERSE_SIZE,
      scoreWeights: scoreWeightsFromKnob(settings.STAGE7_SCORE_WEIGHTS),
      orderOffsetBps: settings.STAGE7_ORDER_OFFSET_BPS,
      turnoverCapTry: settings.NOTIONAL_CAP_TRY_PER_CYCLE,
      maxOrdersPerCycle: settings.MAX_ORDERS_PER_CYCLE,
      maxSpreadBps: settings.STAGE7_MAX_SPREAD_BPS,
      cashTargetTry: settings.TRY_CASH_TARGET,
      minQuoteVolumeTry: settings.STAGE7_MIN_QUOTE_VOLUME_TRY,
      version: 1,
      updatedAtMs: nowMs,
    },
    settings,
  );
}

/** Problems that make params unusable: counts that are not integers, amounts that are not finite */
export function validateParams(params: Stage7Params, path = ''): ValidationIssue[] {
  const at = (field: string) => (path ? `${path}.${field}` : field);
  const issues: ValidationIssue[] = [];
  const int = (field: string, x: number, min: number) => {
    if (!Number.isSafeInteger(x) || x < min)
      issues.push({ path: at(field), message: `expected an integer >= ${min}, was ${x}` });
  };
  const finite = (field: string, x: Dec) => {
    if (!x.isFinite()) issues.push({ path: at(field), message: `expected a finite decimal, was ${x.toString()}` });
  };
  int('universeSize', params.universeSize, Number.MIN_SAFE_INTEGER);
  int('maxOrdersPerCycle', params.maxOrdersPerCycle, Number.MIN_SAFE_INTEGER);
  int('version', params.version, 1);
  int('updatedAtMs', params.updatedAtMs, 0);
  for (const k of SCORE_WEIGHT_KEYS) finite(`scoreWeights.${k}`, params.scoreWeights[k]);
  finite('orderOffsetBps', params.orderOffsetBps);
  finite('turnoverCapTry', params.turnoverCapTry);
  finite('maxSpreadBps', params.maxSpreadBps);
  finite('cashTargetTry', params.cashTargetTry);
  finite('minQuoteVolumeTry', params.minQuoteVolumeTry);
  return issues;
}

/** @throws ValidationError naming every unusable field */
export function assertParams(params: Stage7Params, source: string, path = ''): void {
  const issues = validateParams(params, path);
  if (issues.length > 0) throw new ValidationError(source, issues);
}

/** The persisted and hashed form: the spec's field names, decimals as plain strings */
export type Stage7ParamsRecord = {
  readonly universe_size: number;
  readonly score_weights: Readonly<Record<ScoreWeightKey, string>>;
  readonly order_offset_bps: string;
  readonly turnover_cap_try: string;
  readonly max_orders_per_cycle: number;
  readonly max_spread_bps: string;
  readonly cash_target_try: string;
  readonly min_quote_volume_try: string;
  readonly version: number;
  readonly updated_at_ms: number;
};

export const paramsRecord = (p: Stage7Params): Stage7ParamsRecord => ({
  universe_size: p.universeSize,
  score_weights: {
    liquidity: toPlain(p.scoreWeights.liquidity),
    spread: toPlain(p.scoreWeights.spread),
    volatility: toPlain(p.scoreWeights.volatility),
  },
  order_offset_bps: toPlain(p.orderOffsetBps),
  turnover_cap_try: toPlain(p.turnoverCapTry),
  max_orders_per_cycle: p.maxOrdersPerCycle,
  max_spread_bps: toPlain(p.maxSpreadBps),
  cash_target_try: toPlain(p.cashTargetTry),
  min_quote_volume_try: toPlain(p.minQuoteVolumeTry),
  version: p.version,
  updated_at_ms: p.updatedAtMs,
});

/** The fields adaptation tunes (everything but version and time), in the spec's order */
export const TUNABLE_FIELDS = [
  'universe_size',
  'score_weights',
  'order_offset_bps',
  'turnover_cap_try',
  'max_orders_per_cycle',
  'max_spread_bps',
  'cash_target_try',
  'min_quote_volume_try',
] as const;
export type TunableField = (typeof TUNABLE_FIELDS)[number];
export type TunableValue = Stage7ParamsRecord[TunableField];

/** Spec 4.16 step 5: `{field: {old, new}}` for each tunable field whose value differs */
export type ParamsDiff = Readonly<
  Partial<Record<TunableField, { readonly old: TunableValue; readonly new: TunableValue }>>
>;

export function diffParams(before: Stage7Params, after: Stage7Params): ParamsDiff {
  const a = paramsRecord(before);
  const b = paramsRecord(after);
  const diff: Partial<Record<TunableField, { old: TunableValue; new: TunableValue }>> = {};
  for (const field of TUNABLE_FIELDS) {
    if (canonicalJson(a[field]) !== canonicalJson(b[field])) diff[field] = { old: a[field], new: b[field] };
  }
  return diff;
}
