// One line of a stage 7 run folder's `cycles.jsonl`: what a completed stage 7 cycle measured, written by the
// backtest (`btcbot backtest`) and by a local run (`btcbot local --stages stage7`) alike, and read back by the
// parity fingerprint, the reports and the exports. Built from the cycle's result only, so both runs write the
// same line for the same cycle. Amounts are exact decimal strings; times are epoch ms with the ISO text beside.
import * as z from 'zod';
import { ALERT_FLAGS, NO_TRADES_REASONS, QUALITY_FLAGS, setFlags } from '../../domain/adaptation/stage7-metrics';
import { EPOCH_MS_MAX, EPOCH_MS_MIN } from '../../domain/epoch';
import { ValidationError } from '../../domain/errors';
import { type Dec, toPlain } from '../../domain/money';
import { MODES } from '../../domain/risk/mode';
import { parseJsonInput } from '../parse-input';
import type { Stage7CycleResult } from './run-stage7-cycle';

type Completed = Extract<Stage7CycleResult, { status: 'completed' }>;

const epochMs = z.number().int().min(EPOCH_MS_MIN).max(EPOCH_MS_MAX);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const decimal = z.string().regex(/^-?(0|[1-9]\d*)(\.\d+)?$/, 'a plain decimal string');
const nonNegative = decimal.refine((s) => !s.startsWith('-'), 'a decimal >= 0');
const positive = nonNegative.refine((s) => /[1-9]/.test(s), 'a decimal > 0');
const symbol = z.string().regex(/^[A-Z0-9]{2,20}$/, 'a canonical symbol such as BTCTRY');

const FillSchema = z.strictObject({
  symbol,
  side: z.enum(['BUY', 'SELL']),
  qty: positive,
  price: positive,
  feeTry: nonNegative,
  slippageTry: nonNegative,
  clientOrderId: z.string().min(1).max(200),
});

export const Stage7RunRecordSchema = z.strictObject({
  /** Epoch ms of the cycle's clock; `ts` is its ISO text (what the fingerprint orders by, spec 4.20) */
  tsMs: epochMs,
  ts: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
  cycleId: z.string().min(1).max(200),
  /** Stage 7 has no stage 6 risk mode to start from: always NORMAL (spec 4.2 step 12 in backtests) */
  baseMode: z.literal('NORMAL'),
  finalMode: z.enum(MODES),
  riskReasons: z.array(z.string().min(1).max(100)),
  /** Sorted, unique */
  universe: z.array(symbol),
  paramVersion: count,
  activeParamVersion: count,
  /** Adaptation's record of this cycle: `<outcome> <from>-><to> <reason>`, or null */
  paramChange: z.string().min(1).max(200).nullable(),
  equityTry: nonNegative,
  netPnlTry: decimal,
  grossPnlTry: decimal,
  feesTry: nonNegative,
  slippageTry: nonNegative,
  turnoverTry: nonNegative,
  maxDrawdownRatio: nonNegative,
  /** Planned intents (not skipped) and the skipped ones */
  intents: count,
  skipped: count,
  submitted: count,
  filled: count,
  rejected: count,
  canceled: count,
  throttled: count,
  retries: count,
  retryGiveups: count,
  qualityFlags: z.array(z.enum(QUALITY_FLAGS)),
  alertFlags: z.array(z.enum(ALERT_FLAGS)),
  noTradesReason: z.enum(NO_TRADES_REASONS).nullable(),
  /** Ticker mids of this cycle by symbol (a symbol the read missed is absent) */
  marks: z.record(symbol, positive),
  fills: z.array(FillSchema),
});

export type Stage7RunRecord = z.infer<typeof Stage7RunRecordSchema>;

const plain = (x: Dec): string => toPlain(x);

/** The record of a completed cycle run at `nowMs` */
export function runRecordOf(cycleId: string, result: Completed): Stage7RunRecord {
  const row = result.row;
  const change = result.paramChange;
  return {
    tsMs: row.tsMs,
    ts: new Date(row.tsMs).toISOString(),
    cycleId,
    baseMode: 'NORMAL',
    finalMode: result.finalMode,
    riskReasons: [...result.riskReasons],
    universe: [...new Set(result.universe)].sort(),
    paramVersion: row.paramVersion,
    activeParamVersion: result.activeParamVersion,
    paramChange: change ? `${change.outcome} ${change.fromVersion}->${change.toVersion} ${change.reason}` : null,
    equityTry: plain(row.equityTry),
    netPnlTry: plain(row.netPnlTry),
    grossPnlTry: plain(row.grossPnlTry),
    feesTry: plain(row.feesTry),
    slippageTry: plain(row.slippageTry),
    turnoverTry: plain(row.turnoverTry),
    maxDrawdownRatio: plain(row.maxDrawdownRatio),
    intents: row.counts.planned,
    skipped: row.counts.skipped,
    submitted: row.counts.omsSubmitted,
    filled: row.counts.omsFilled,
    rejected: row.counts.omsRejected,
    canceled: row.counts.omsCanceled,
    throttled: row.counts.throttledEvents,
    retries: row.counts.retryEvents,
    retryGiveups: row.counts.retryGiveups,
    qualityFlags: setFlags(row.qualityFlags, QUALITY_FLAGS),
    alertFlags: setFlags(row.alertFlags, ALERT_FLAGS),
    noTradesReason: row.noTradesReason,
    marks: Object.fromEntries([...result.marks].sort(([a], [b]) => (a < b ? -1 : 1)).map(([s, m]) => [s, plain(m)])),
    fills: result.fills.map((f) => ({
      symbol: f.symbol,
      side: f.side,
      qty: plain(f.qty),
      price: plain(f.price),
      feeTry: plain(f.feeTry),
      slippageTry: plain(f.slippageTry),
      clientOrderId: f.clientOrderId,
    })),
  };
}

/**
 * The cycle changed the active params (an applied change or a rollback). Adaptation records a change row every
 * cycle it evaluates, a refused one included, so `paramChange !== null` would count nearly every cycle.
 */
export const changedParams = (r: Pick<Stage7RunRecord, 'paramVersion' | 'activeParamVersion'>): boolean =>
  r.activeParamVersion !== r.paramVersion;

/** One JSON line (no newline) */
export const runRecordLine = (r: Stage7RunRecord): string => JSON.stringify(r);

/**
 * @param where names the line for the error, e.g. `out/cycles.jsonl:12`
 * @throws ValidationError naming the line and each bad field
 */
export const parseRunRecordLine = (line: string, where: string): Stage7RunRecord =>
  parseJsonInput(Stage7RunRecordSchema, `stage 7 run record ${where}`, line, ValidationError);
