// The parity fingerprint (spec 4.20): the streamed hash equals the hash of the whole canonical list, covers
// exactly the spec's fields, quantizes half even, windows by ts, refuses records out of order, and gives the
// missing-tables form for a folder without a finished run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  canonicalRow,
  type FingerprintOptions,
  fingerprintRunFolder,
  missingRunFingerprint,
  quantize,
  RunFingerprint,
} from '../../../local/backtest/fingerprint';
import { RUN_META_FILE, RUN_RECORDS_FILE, RunFolderWriter } from '../../../local/backtest/run-folder';
import type { Stage7RunRecord } from '../../../shared/application/stage7/run-record';
import { BacktestError, ValidationError } from '../../../shared/domain/errors';
import { hashCanonical, sha256Hex } from '../../../shared/domain/hashing';
import { dec } from '../../../shared/domain/money';
import { START_MS } from './fixtures';

function record(minute: number, over: Partial<Stage7RunRecord> = {}): Stage7RunRecord {
  const tsMs = START_MS + minute * 60_000;
  const ts = new Date(tsMs).toISOString();
  const base: Stage7RunRecord = {
    tsMs,
    ts,
    cycleId: `btcbot-local-stage7@${ts}`,
    baseMode: 'NORMAL',
    finalMode: 'NORMAL',
    riskReasons: ['OK'],
    universe: ['BTCTRY', 'ETHTRY'],
    paramVersion: 1,
    activeParamVersion: 1,
    paramChange: null,
    equityTry: '1001.5',
    netPnlTry: '1.5',
    grossPnlTry: '2',
    feesTry: '0.4',
    slippageTry: '0.1',
    turnoverTry: '250',
    maxDrawdownRatio: '0',
    intents: 2,
    skipped: 0,
    submitted: 2,
    filled: 1,
    rejected: 1,
    canceled: 0,
    throttled: 0,
    retries: 0,
    retryGiveups: 0,
    qualityFlags: [],
    alertFlags: [],
    noTradesReason: null,
    marks: { BTCTRY: '3000000' },
    fills: [],
  };
  return { ...base, ...over };
}

const PLAIN: FingerprintOptions = { includeAdaptation: false };

function streamed(records: readonly Stage7RunRecord[], options: FingerprintOptions): string {
  const f = new RunFingerprint(options);
  for (const r of records) f.add(r, r.cycleId);
  return f.digest();
}

function runFolder(records: readonly Stage7RunRecord[]): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'fingerprint-')), 'run');
  const w = new RunFolderWriter(dir);
  for (const r of records) w.append(r);
  w.finish({
    kind: 'backtest',
    dataset: 'd',
    seed: 123,
    startedAt: records[0]?.ts ?? new Date(START_MS).toISOString(),
    endedAt: records.at(-1)?.ts ?? new Date(START_MS).toISOString(),
    stepSeconds: 60,
    cyclesRun: records.length,
    includeAdaptation: false,
    paramChanges: 0,
    fingerprint: '0'.repeat(64),
  });
  return dir;
}

describe('the canonical row', () => {
  it("holds the spec's fields, the universe sorted unique, and the adaptation fields only when asked", () => {
    const r = record(0, {
      universe: ['ETHTRY', 'BTCTRY', 'ETHTRY'],
      activeParamVersion: 2,
      paramChange: 'APPLIED 1->2 x',
    });
    expect(canonicalRow(r, PLAIN)).toEqual({
      ts: '2026-01-01T00:00:00.000Z',
      cycle_id: 'btcbot-local-stage7@2026-01-01T00:00:00.000Z',
      base_mode: 'NORMAL',
      final_mode: 'NORMAL',
      selected_universe: ['BTCTRY', 'ETHTRY'],
      net_pnl_try: '1.5',
      fees_try: '0.4',
      slippage_try: '0.1',
      turnover_try: '250',
      intents_count: 2,
      filled_count: 1,
      rejected_count: 1,
    });
    expect(canonicalRow(r, { includeAdaptation: true })).toMatchObject({
      active_param_version: 2,
      param_change: 'APPLIED 1->2 x',
    });
  });

  it('leaves out what parity does not compare (equity, marks, fills, flags)', () => {
    const a = record(0);
    const b = record(0, { equityTry: '5', marks: {}, qualityFlags: ['stale_data'], canceled: 3 });
    expect(streamed([a], PLAIN)).toBe(streamed([b], PLAIN));
    expect(streamed([a], PLAIN)).not.toBe(streamed([record(0, { filled: 2 })], PLAIN));
  });
});

describe('quantize', () => {
  it('rounds to the nearest multiple of the step, ties to even, with the step places and no negative zero', () => {
    expect(quantize(dec('1.005'), dec('0.01'))).toBe('1.00');
    expect(quantize(dec('1.015'), dec('0.01'))).toBe('1.02');
    expect(quantize(dec('1.0151'), dec('0.01'))).toBe('1.02');
    expect(quantize(dec('12.5'), dec('5'))).toBe('10');
    expect(quantize(dec('17.5'), dec('5'))).toBe('20');
    expect(quantize(dec('-0.004'), dec('0.01'))).toBe('0.00');
    expect(quantize(dec('-1.26'), dec('0.05'))).toBe('-1.25');
  });
});

describe('RunFingerprint', () => {
  const records = [record(0), record(1, { finalMode: 'REDUCE_RISK_ONLY' }), record(2, { netPnlTry: '-3.25' })];

  it('streams the SHA-256 of the canonical JSON list of the rows', () => {
    expect(streamed(records, PLAIN)).toBe(hashCanonical(records.map((r) => canonicalRow(r, PLAIN))));
    expect(streamed([], PLAIN)).toBe(sha256Hex('[]'));
  });

  it('with a quantize step, amounts that differ by less than half a step fingerprint alike', () => {
    const noisy = records.map((r) => ({ ...r, netPnlTry: dec(r.netPnlTry).add('0.0000001').toFixed() }));
    expect(streamed(noisy, PLAIN)).not.toBe(streamed(records, PLAIN));
    const q = { includeAdaptation: false, quantizeTry: dec('0.01') };
    expect(streamed(noisy, q)).toBe(streamed(records, q));
    // a whole step apart still differs
    const moved = records.map((r) => ({ ...r, feesTry: dec(r.feesTry).add('0.01').toFixed() }));
    expect(streamed(moved, q)).not.toBe(streamed(records, q));
  });

  it('covers only the cycles from <= ts <= to', () => {
    const window = { includeAdaptation: false, fromMs: records[1]?.tsMs, toMs: records[1]?.tsMs };
    const f = new RunFingerprint(window);
    for (const r of records) f.add(r, r.cycleId);
    expect(f.rows).toBe(1);
    expect(f.digest()).toBe(hashCanonical([canonicalRow(records[1] as Stage7RunRecord, PLAIN)]));
  });

  it('refuses a record that is not after the previous one in (ts, cycle id) order', () => {
    const f = new RunFingerprint(PLAIN);
    f.add(record(1), 'first');
    expect(() => f.add(record(0), 'out/cycles.jsonl record 2')).toThrow(ValidationError);
    expect(() => f.add(record(1), 'again')).toThrow(/expected records in \(ts, cycle id\) order/);
    f.add(record(1, { cycleId: 'z' }), 'same ts, later id');
  });
});

describe('fingerprintRunFolder', () => {
  it('reads a finished run back to the fingerprint of its records', () => {
    const records = [record(0), record(1), record(2)];
    const dir = runFolder(records);
    expect(fingerprintRunFolder(dir, PLAIN)).toEqual({ fingerprint: streamed(records, PLAIN), missing: [], rows: 3 });
    expect(fingerprintRunFolder(runFolder([]), PLAIN).fingerprint).toBe(sha256Hex('[]'));
  });

  it("gives the spec's missing-tables form, naming the files a folder without a finished run lacks", () => {
    const empty = mkdtempSync(join(tmpdir(), 'fingerprint-'));
    const result = fingerprintRunFolder(empty, { includeAdaptation: true });
    expect(result.missing).toEqual([RUN_META_FILE, RUN_RECORDS_FILE]);
    expect(result.fingerprint).toBe(
      sha256Hex('{"include_adaptation":true,"missing_tables":["cycles.jsonl","run.json"],"rows":[],"version":1}'),
    );
    expect(missingRunFingerprint([RUN_RECORDS_FILE, RUN_META_FILE], true)).toBe(result.fingerprint);
    writeFileSync(join(empty, RUN_RECORDS_FILE), '');
    expect(fingerprintRunFolder(empty, PLAIN).missing).toEqual([RUN_META_FILE]);
  });

  it('refuses a folder that does not exist and a malformed record, naming the line', () => {
    expect(() => fingerprintRunFolder('/nonexistent/run', PLAIN)).toThrow(BacktestError);
    const dir = runFolder([record(0)]);
    writeFileSync(join(dir, RUN_RECORDS_FILE), `${JSON.stringify(record(0))}\n{"tsMs":1}\n`);
    expect(() => fingerprintRunFolder(dir, PLAIN)).toThrow(/cycles\.jsonl:2/);
  });
});
