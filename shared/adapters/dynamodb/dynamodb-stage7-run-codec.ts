// Item codec of stage 7 run-metric rows (spec 4.14, 6.2 stage7_run_metrics) under RUN#<ts>#<cycle>, so the
// newest rows are the last of the prefix. A stored row is read only if every flag, count and timing is there
// (no more), amounts that cannot be negative are not, and the counts adaptation reads agree with the counts.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import {
  ALERT_FLAGS,
  NO_TRADES_REASONS,
  QUALITY_FLAGS,
  type Stage7CycleCounts,
} from '../../domain/adaptation/stage7-metrics';
import { toPlain } from '../../domain/money';
import { MODES } from '../../domain/risk/mode';
import type { Stage7RunMetricsRow, Stage7TimingPhase } from '../../ports/stage7-store';
import {
  account,
  count,
  D,
  decimal,
  defined,
  epochMs,
  type Item,
  keyIssue,
  literal,
  nonEmpty,
  nonNegative,
  parseItem,
  rule,
  S,
  str,
  version,
} from './attributes';
import { checkedBy, decodedOnce } from './dynamodb-stage7-decoded';
import { stage7Keys } from './dynamodb-stage7-keys';
import { num } from './dynamodb-stage7-oms-codec';

const COUNT_FIELDS = [
  'planned',
  'skipped',
  'omsSubmitted',
  'omsFilled',
  'omsRejected',
  'omsCanceled',
  'throttledEvents',
  'retryEvents',
  'retryGiveups',
  'missingMarkDecisions',
] as const satisfies readonly (keyof Stage7CycleCounts)[];
const TIMING_PHASES = [
  'selection',
  'planning',
  'intents',
  'oms',
  'ledger',
  'persist',
  'total',
] as const satisfies readonly Stage7TimingPhase[];

const exactMap = <N extends string, T extends z.ZodType>(names: readonly N[], value: T) =>
  z
    .object({ M: z.strictObject(Object.fromEntries(names.map((n) => [n, value])) as Record<N, T>) })
    .transform((v) => v.M as Record<N, z.output<T>>);
const bool = z.object({ BOOL: z.boolean() }).transform((v) => v.BOOL);
const ratio = rule(decimal, (x) => x.gte(0) && x.lte(1), 'a ratio in [0, 1]', toPlain);

const runSchema = z
  .object({
    pk: str,
    sk: str,
    account,
    cycleId: nonEmpty,
    runId: nonEmpty,
    tsMs: epochMs,
    paramVersion: version,
    modeFinal: literal(MODES),
    alertFlags: exactMap(ALERT_FLAGS, bool),
    qualityFlags: exactMap(QUALITY_FLAGS, bool),
    netPnlTry: decimal,
    maxDrawdownRatio: ratio,
    omsRejectedCount: count,
    omsThrottledCount: count,
    counts: exactMap(COUNT_FIELDS, count),
    noTradesReason: literal(NO_TRADES_REASONS).optional(),
    noMetricsReason: literal(['NO_TRADES']).optional(),
    equityTry: nonNegative,
    grossPnlTry: decimal,
    feesTry: nonNegative,
    slippageTry: nonNegative,
    turnoverTry: nonNegative,
    timingsMs: exactMap(TIMING_PHASES, count),
  })
  // no rest patterns here: copying a row of some thirty members by rest costs more than the rest of its decode
  .superRefine((row, ctx) => {
    const key = stage7Keys.run(row.account, row.tsMs, row.cycleId);
    keyIssue(ctx, 'pk', row.pk, key.pk);
    keyIssue(ctx, 'sk', row.sk, key.sk);
    for (const [field, repeated, counted] of [
      ['omsRejectedCount', row.omsRejectedCount, 'omsRejected'],
      ['omsThrottledCount', row.omsThrottledCount, 'throttledEvents'],
    ] as const)
      if (repeated !== row.counts[counted])
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `expected counts.${counted} (${row.counts[counted]}), was ${repeated}`,
        });
  })
  .transform(
    (r): Stage7RunMetricsRow => ({
      cycleId: r.cycleId,
      runId: r.runId,
      tsMs: r.tsMs,
      paramVersion: r.paramVersion,
      modeFinal: r.modeFinal,
      alertFlags: r.alertFlags,
      qualityFlags: r.qualityFlags,
      netPnlTry: r.netPnlTry,
      maxDrawdownRatio: r.maxDrawdownRatio,
      omsRejectedCount: r.omsRejectedCount,
      omsThrottledCount: r.omsThrottledCount,
      counts: r.counts,
      equityTry: r.equityTry,
      grossPnlTry: r.grossPnlTry,
      feesTry: r.feesTry,
      slippageTry: r.slippageTry,
      turnoverTry: r.turnoverTry,
      timingsMs: r.timingsMs,
      noTradesReason: r.noTradesReason ?? null,
      noMetricsReason: r.noMetricsReason ?? null,
    }),
  );

/** @throws CorruptStateError the item is not a run-metric row */
export const parseStage7Run: (item: Item) => Stage7RunMetricsRow = decodedOnce((item) => parseItem(runSchema, item));

function flagMap(flags: Readonly<Record<string, boolean>>): AttributeValue {
  const M: Item = {};
  for (const k of Object.keys(flags)) M[k] = { BOOL: flags[k] as boolean };
  return { M };
}
function numberMap(values: Readonly<Record<string, number>>): AttributeValue {
  const M: Item = {};
  for (const k of Object.keys(values)) M[k] = num(values[k] as number);
  return { M };
}

/** @throws CorruptStateError the row is not one the store may hold; nothing is written */
export function stage7RunItem(acct: string, r: Stage7RunMetricsRow): Item {
  const key = stage7Keys.run(acct, r.tsMs, r.cycleId);
  return checkedBy(
    parseStage7Run,
    defined({
      pk: S(key.pk),
      sk: S(key.sk),
      account: S(acct),
      cycleId: S(r.cycleId),
      runId: S(r.runId),
      tsMs: num(r.tsMs),
      paramVersion: num(r.paramVersion),
      modeFinal: S(r.modeFinal),
      alertFlags: flagMap(r.alertFlags),
      qualityFlags: flagMap(r.qualityFlags),
      netPnlTry: D(r.netPnlTry),
      maxDrawdownRatio: D(r.maxDrawdownRatio),
      omsRejectedCount: num(r.omsRejectedCount),
      omsThrottledCount: num(r.omsThrottledCount),
      counts: numberMap(r.counts as unknown as Record<string, number>),
      noTradesReason: r.noTradesReason === null ? undefined : S(r.noTradesReason),
      noMetricsReason: r.noMetricsReason === null ? undefined : S(r.noMetricsReason),
      equityTry: D(r.equityTry),
      grossPnlTry: D(r.grossPnlTry),
      feesTry: D(r.feesTry),
      slippageTry: D(r.slippageTry),
      turnoverTry: D(r.turnoverTry),
      timingsMs: numberMap(r.timingsMs),
    }),
  );
}
