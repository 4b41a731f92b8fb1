// The parity fingerprint of a stage 7 run (spec 4.20): SHA-256 of the canonical JSON list of one canonical row
// per cycle (ts, cycle id, modes, universe, TRY measures as strings, order counts; with adaptation the active
// params version and the change record), in (ts, cycle id) order. Two runs of the same data, settings and seed
// give the same fingerprint whatever wrote them (`btcbot backtest`, `btcbot local --stages stage7`).
//
// Streamed: the list's text is hashed as it is produced ("[" row "," row ... "]", byte for byte the canonical
// JSON of the whole list), so a run of any length is fingerprinted with flat memory. A run folder's records are
// in (ts, cycle id) order by construction (one cycle per replay-clock step, appended as it completes); a file
// whose records are not is refused rather than sorted in memory.
//
// Quantizing (`--quantize-try <step>`): each TRY measure becomes the nearest multiple of the step, ties to the
// even multiple (Python's Decimal default, so no direction is favoured), written with the step's decimal places:
// two runs whose amounts differ by less than half a step (e.g. rounding noise) fingerprint alike.
//
// Spec 4.20's missing-tables form, adapted to run folders: when the folder lacks `run.json` or `cycles.jsonl`
// (it never held a finished run: empty, or a run that was interrupted), the fingerprint is the SHA-256 of
// {"include_adaptation":bool,"missing_tables":[the missing file names, sorted],"rows":[],"version":1}. A finished
// run with no cycle in the window hashes the empty list `[]`, as the spec's query with no row does.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Stage7RunRecord } from '../../shared/application/stage7/run-record';
import { BacktestError, ValidationError } from '../../shared/domain/errors';
import { type CanonicalValue, canonicalJson, hashCanonical } from '../../shared/domain/hashing';
import { Dec } from '../../shared/domain/money';
import { RUN_META_FILE, RUN_RECORDS_FILE, readRunMeta, readRunRecords } from './run-folder';

export interface FingerprintOptions {
  /** Only cycles with from <= ts <= to (epoch ms); unbounded when absent */
  readonly fromMs?: number | undefined;
  readonly toMs?: number | undefined;
  /** A positive step the TRY measures are rounded to (half even) */
  readonly quantizeTry?: Dec | undefined;
  /** Adds active_param_version and param_change to each row */
  readonly includeAdaptation: boolean;
}

/** What the fingerprint covers of one cycle (spec 4.20's canonical row) */
export function canonicalRow(r: Stage7RunRecord, options: FingerprintOptions): CanonicalValue {
  const q = options.quantizeTry;
  const amount = (x: string) => (q === undefined ? x : quantize(new Dec(x), q));
  return {
    ts: r.ts,
    cycle_id: r.cycleId,
    base_mode: r.baseMode,
    final_mode: r.finalMode,
    selected_universe: [...new Set(r.universe)].sort(),
    net_pnl_try: amount(r.netPnlTry),
    fees_try: amount(r.feesTry),
    slippage_try: amount(r.slippageTry),
    turnover_try: amount(r.turnoverTry),
    intents_count: r.intents,
    filled_count: r.filled,
    rejected_count: r.rejected,
    ...(options.includeAdaptation ? { active_param_version: r.activeParamVersion, param_change: r.paramChange } : {}),
  };
}

/** The nearest multiple of `step` (ties to even), with the step's decimal places; never "-0" */
export function quantize(x: Dec, step: Dec): string {
  const q = x.toNearest(step, Dec.ROUND_HALF_EVEN);
  return (q.isZero() ? q.abs() : q).toFixed(step.decimalPlaces());
}

/** The fingerprint of records added one by one, oldest first */
export class RunFingerprint {
  readonly #options: FingerprintOptions;
  readonly #hash = sha256.create();
  #rows = 0;
  #last: { readonly tsMs: number; readonly cycleId: string } | undefined;

  constructor(options: FingerprintOptions) {
    this.#options = options;
    this.#hash.update(utf8ToBytes('['));
  }

  /**
   * @param where names the record for an error, e.g. `out/cycles.jsonl:12`
   * @throws ValidationError the record is not after the previous one in (ts, cycle id) order
   */
  add(r: Stage7RunRecord, where: string): void {
    const last = this.#last;
    if (last && (r.tsMs < last.tsMs || (r.tsMs === last.tsMs && r.cycleId <= last.cycleId))) {
      throw new ValidationError(`stage 7 run record ${where}`, [
        {
          path: 'ts',
          message: `expected records in (ts, cycle id) order, was ${r.ts} ${r.cycleId} after ${new Date(last.tsMs).toISOString()} ${last.cycleId}`,
        },
      ]);
    }
    this.#last = { tsMs: r.tsMs, cycleId: r.cycleId };
    const o = this.#options;
    if ((o.fromMs !== undefined && r.tsMs < o.fromMs) || (o.toMs !== undefined && r.tsMs > o.toMs)) return;
    this.#hash.update(utf8ToBytes(`${this.#rows > 0 ? ',' : ''}${canonicalJson(canonicalRow(r, o))}`));
    this.#rows += 1;
  }

  /** Rows inside the window so far */
  get rows(): number {
    return this.#rows;
  }

  /** Ends the list; the fingerprint object cannot be used afterwards */
  digest(): string {
    this.#hash.update(utf8ToBytes(']'));
    return bytesToHex(this.#hash.digest());
  }
}

/** Spec 4.20's fingerprint of a folder that holds no finished run, naming the files it lacks */
export const missingRunFingerprint = (missing: readonly string[], includeAdaptation: boolean): string =>
  hashCanonical({ version: 1, missing_tables: [...missing].sort(), rows: [], include_adaptation: includeAdaptation });

export interface FolderFingerprint {
  readonly fingerprint: string;
  /** The run files the folder lacks (the fingerprint is then the missing-tables form); empty for a run */
  readonly missing: readonly string[];
  /** Cycles inside the window */
  readonly rows: number;
}

/**
 * The fingerprint of the run in `dir`, its records streamed.
 * @throws BacktestError `dir` is not a folder
 * @throws ValidationError run.json or a record is malformed (naming the file and line), or out of order
 */
export function fingerprintRunFolder(dir: string, options: FingerprintOptions): FolderFingerprint {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BacktestError(`${dir} is not a run folder`);
  const missing = [RUN_META_FILE, RUN_RECORDS_FILE].filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) {
    return { fingerprint: missingRunFingerprint(missing, options.includeAdaptation), missing, rows: 0 };
  }
  // the meta is read for its check only: a folder whose run.json is malformed is not a readable run
  readRunMeta(dir);
  const fingerprint = new RunFingerprint(options);
  let line = 0;
  for (const record of readRunRecords(dir)) {
    line += 1;
    fingerprint.add(record, `${join(dir, RUN_RECORDS_FILE)} record ${line}`);
  }
  return { fingerprint: fingerprint.digest(), missing, rows: fingerprint.rows };
}
