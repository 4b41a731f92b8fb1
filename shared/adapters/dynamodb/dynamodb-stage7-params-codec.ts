// Item codecs of stage 7 adaptation (spec 4.3, 4.16): the active params (PARAMS#ACTIVE, guarded by its
// revision), checkpoints (CKPT#<version>) and param changes (CHANGE#<id>). Params are the canonical JSON of
// their spec record; stored ones are read only if adaptation could have activated them (the bounds of 4.16
// step 3 that need no settings) and a checkpoint holds the version it is keyed by.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import {
  type ChangeReason,
  type ParamChange,
  type ParamsCheckpoint,
  PROPOSAL_REASONS,
  ROLLBACK_TRIGGERS,
} from '../../domain/adaptation/adaptation-model';
import {
  PARAM_BOUNDS,
  paramsRecord,
  SCORE_WEIGHT_KEYS,
  type Stage7Params,
  TUNABLE_FIELDS,
  validateParams,
} from '../../domain/adaptation/stage7-params';
import { dec, isDecimalString, sumDec, toPlain } from '../../domain/money';
import {
  account,
  checkedItem,
  count,
  D,
  decimal,
  epochMs,
  type Item,
  keyIssue,
  literal,
  nonNegative,
  parseItem,
  S,
  str,
  version,
} from './attributes';
import { checkedBy, decodedOnce } from './dynamodb-stage7-decoded';
import { canonicalText, jsonText } from './dynamodb-stage7-json';
import { stage7Keys } from './dynamodb-stage7-keys';
import { num } from './dynamodb-stage7-oms-codec';

const decimalText = z.string().refine(isDecimalString, { error: 'expected a plain decimal string' }).transform(dec);
const integer = z.number().refine(Number.isSafeInteger, { error: 'expected an integer' });

const paramsSchema = z
  .strictObject({
    universe_size: integer,
    score_weights: z.strictObject({ liquidity: decimalText, spread: decimalText, volatility: decimalText }),
    order_offset_bps: decimalText,
    turnover_cap_try: decimalText,
    max_orders_per_cycle: integer,
    max_spread_bps: decimalText,
    cash_target_try: decimalText,
    min_quote_volume_try: decimalText,
    version: integer,
    updated_at_ms: integer,
  })
  .transform(
    (r): Stage7Params => ({
      universeSize: r.universe_size,
      scoreWeights: r.score_weights,
      orderOffsetBps: r.order_offset_bps,
      turnoverCapTry: r.turnover_cap_try,
      maxOrdersPerCycle: r.max_orders_per_cycle,
      maxSpreadBps: r.max_spread_bps,
      cashTargetTry: r.cash_target_try,
      minQuoteVolumeTry: r.min_quote_volume_try,
      version: r.version,
      updatedAtMs: r.updated_at_ms,
    }),
  )
  .superRefine((p, ctx) => {
    for (const issue of [...validateParams(p), ...boundIssues(p)])
      ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
  });

/** The bounds of spec 4.16 step 3 that need no settings: params adaptation could not have activated */
function boundIssues(p: Stage7Params): { path: string; message: string }[] {
  const b = PARAM_BOUNDS;
  const issues: { path: string; message: string }[] = [];
  const within = (path: string, ok: boolean, expected: string, was: string) => {
    if (!ok) issues.push({ path, message: `expected ${expected}, was ${was}` });
  };
  const { universeSize: u, maxOrdersPerCycle: o } = p;
  within('universeSize', u >= b.universeSize.min && u <= b.universeSize.max, '5..50', String(u));
  within('maxOrdersPerCycle', o >= b.maxOrdersPerCycle.min && o <= b.maxOrdersPerCycle.max, '1..20', String(o));
  for (const [path, x, min, max] of [
    ['orderOffsetBps', p.orderOffsetBps, b.orderOffsetBps.min, b.orderOffsetBps.max],
    ['maxSpreadBps', p.maxSpreadBps, b.maxSpreadBps.min, b.maxSpreadBps.max],
  ] as const)
    within(path, x.gte(min) && x.lte(max), `${toPlain(min)}..${toPlain(max)}`, toPlain(x));
  for (const path of ['turnoverCapTry', 'cashTargetTry', 'minQuoteVolumeTry'] as const)
    within(path, p[path].gte(0), '>= 0', toPlain(p[path]));
  const weights = SCORE_WEIGHT_KEYS.map((k) => p.scoreWeights[k]);
  within(
    'scoreWeights',
    weights.every((w) => w.gte(0) && w.lte(1)) && sumDec(weights).eq(1),
    'weights in [0, 1] summing to 1',
    weights.map(toPlain).join(', '),
  );
  return issues;
}

const paramsText = canonicalText(paramsSchema);
const paramsAttribute = (p: Stage7Params): AttributeValue => S(jsonText(paramsRecord(p)));

const activeSchema = z
  .object({ pk: str, sk: str, account, version, params: paramsText })
  .superRefine(({ pk, sk, account: acct }, ctx) => {
    const key = stage7Keys.activeParams(acct);
    keyIssue(ctx, 'pk', pk, key.pk);
    keyIssue(ctx, 'sk', sk, key.sk);
  })
  .transform(({ params, version: revision }) => ({ value: params, version: revision }));

/** @throws CorruptStateError the item is not the active params row */
export const parseStage7ActiveParams = decodedOnce((item) => parseItem(activeSchema, item));

/** @throws CorruptStateError the params are not ones adaptation could activate; nothing is written */
export function stage7ActiveParamsItem(acct: string, params: Stage7Params, revision: number): Item {
  const key = stage7Keys.activeParams(acct);
  return checkedBy(parseStage7ActiveParams, {
    pk: S(key.pk),
    sk: S(key.sk),
    account: S(acct),
    version: num(revision),
    params: paramsAttribute(params),
  });
}

const checkpointSchema = z
  .object({
    pk: str,
    sk: str,
    account,
    version,
    params: paramsText,
    isGood: z.object({ BOOL: z.boolean() }),
    tsMs: epochMs,
  })
  .superRefine(({ pk, sk, account: acct, version: v, params }, ctx) => {
    const key = stage7Keys.checkpoint(acct, v);
    keyIssue(ctx, 'pk', pk, key.pk);
    keyIssue(ctx, 'sk', sk, key.sk);
    if (params.version !== v)
      ctx.addIssue({ code: 'custom', path: ['params'], message: `expected version ${v}, was ${params.version}` });
  })
  .transform(({ params, isGood, tsMs }): ParamsCheckpoint => ({ params, isGood: isGood.BOOL, tsMs }));

/** @throws CorruptStateError the item is not a params checkpoint */
export const parseStage7Checkpoint: (item: Item) => ParamsCheckpoint = decodedOnce((item) =>
  parseItem(checkpointSchema, item),
);

/** @throws CorruptStateError the checkpoint is not one the store may hold; nothing is written */
export function stage7CheckpointItem(acct: string, c: ParamsCheckpoint): Item {
  const key = stage7Keys.checkpoint(acct, c.params.version);
  return checkedBy(parseStage7Checkpoint, {
    pk: S(key.pk),
    sk: S(key.sk),
    account: S(acct),
    version: num(c.params.version),
    params: paramsAttribute(c.params),
    isGood: { BOOL: c.isGood },
    tsMs: num(c.tsMs),
  });
}

// ---------------------------------------------------------------- param changes

const CHANGE_REASONS = [
  ...PROPOSAL_REASONS,
  'heuristic_update',
  'no_change',
  'mode_not_normal',
  'recent_breach_flags',
  'no_bounded_change',
  'guardrail_breach_rollback',
] as const satisfies readonly ChangeReason[];

const tunableValue = z.union([
  integer,
  z.string(),
  z.strictObject({ liquidity: z.string(), spread: z.string(), volatility: z.string() }),
]);
const diffSchema = z.partialRecord(z.enum(TUNABLE_FIELDS), z.strictObject({ old: tunableValue, new: tunableValue }));

/** s7chg:<YYYYmmddHHMMSS>:<from>-><to>:<10 hex>; one pattern, the versions compared after (built per row, a
 * pattern was compiled on every parse) */
const CHANGE_ID = /^s7chg:\d{14}:(\d+)->(\d+):[0-9a-f]{10}$/;

const changeSchema = z
  .object({
    pk: str,
    sk: str,
    account,
    changeId: str,
    tsMs: epochMs,
    fromVersion: version,
    toVersion: version,
    diff: canonicalText(diffSchema),
    reason: literal(CHANGE_REASONS),
    metricsWindow: z
      .object({
        M: z.object({
          cycles: count,
          avgNetPnlTry: decimal,
          maxDrawdownRatio: nonNegative,
          rejectsTotal: count,
          throttledTotal: count,
        }),
      })
      .transform((v) => v.M),
    outcome: literal(['APPLIED', 'REJECTED', 'ROLLED_BACK']),
    notes: z.object({ L: z.array(literal([...PROPOSAL_REASONS, ...ROLLBACK_TRIGGERS])) }).transform((v) => v.L),
  })
  .superRefine(({ pk, sk, account: acct, changeId, fromVersion, toVersion }, ctx) => {
    const key = stage7Keys.change(acct, changeId);
    keyIssue(ctx, 'pk', pk, key.pk);
    keyIssue(ctx, 'sk', sk, key.sk);
    const [, from, to] = CHANGE_ID.exec(changeId) ?? [];
    if (from !== String(fromVersion) || to !== String(toVersion))
      ctx.addIssue({
        code: 'custom',
        path: ['changeId'],
        message: `expected s7chg:<YYYYmmddHHMMSS>:${fromVersion}->${toVersion}:<10 hex>, was ${changeId}`,
      });
  })
  .transform(({ pk: _pk, sk: _sk, account: _a, ...change }) => change as ParamChange);

/** @throws CorruptStateError the item is not a param change row */
export const parseStage7Change = (item: Item): ParamChange => parseItem(changeSchema, item);

/** @throws CorruptStateError the change is not one the store may hold; nothing is written */
export function stage7ChangeItem(acct: string, c: ParamChange): Item {
  const key = stage7Keys.change(acct, c.changeId);
  const w = c.metricsWindow;
  // checked, not remembered: a change row is written once and read back by no cycle
  return checkedItem(changeSchema, {
    pk: S(key.pk),
    sk: S(key.sk),
    account: S(acct),
    changeId: S(c.changeId),
    tsMs: num(c.tsMs),
    fromVersion: num(c.fromVersion),
    toVersion: num(c.toVersion),
    diff: S(jsonText(c.diff)),
    reason: S(c.reason),
    metricsWindow: {
      M: {
        cycles: num(w.cycles),
        avgNetPnlTry: D(w.avgNetPnlTry),
        maxDrawdownRatio: D(w.maxDrawdownRatio),
        rejectsTotal: num(w.rejectsTotal),
        throttledTotal: num(w.throttledTotal),
      },
    },
    outcome: S(c.outcome),
    notes: { L: c.notes.map(S) },
  });
}
