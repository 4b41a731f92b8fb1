// Hand-built stage 7 run records that obey the run metrics' arithmetic (cycle-metrics.ts): net = equity -
// opening, gross = net + cumulative fees, the drawdown ratio the worst fall below the peak so far, turnover
// the cycle's fills. A worked scenario (SCENARIO) with its expected figures computed by hand, and a writer
// that puts records into a real run folder (RunFolderWriter).
import { RunFolderWriter, type Stage7RunMeta } from '../../../local/backtest/run-folder';
import type { Stage7RunRecord } from '../../../shared/application/stage7/run-record';
import { type Dec, dec, maxDec, toPlain, ZERO } from '../../../shared/domain/money';

export interface FillSpec {
  readonly symbol: string;
  readonly side: 'BUY' | 'SELL';
  readonly qty: string;
  readonly price: string;
  readonly feeTry: string;
}

export interface CycleSpec {
  readonly ts: string;
  readonly equityTry: string;
  readonly marks: Readonly<Record<string, string>>;
  readonly fills?: readonly FillSpec[];
  readonly alertFlags?: Stage7RunRecord['alertFlags'];
  readonly submitted?: number;
  readonly filled?: number;
  readonly rejected?: number;
}

/** Records of consecutive cycles from an opening balance */
export function recordsOf(openingTry: string, cycles: readonly CycleSpec[]): Stage7RunRecord[] {
  const opening = dec(openingTry);
  let peak = opening;
  let fees: Dec = ZERO;
  let worst: Dec = ZERO;
  return cycles.map((c, i) => {
    const equity = dec(c.equityTry);
    const fills = c.fills ?? [];
    fees = fills.reduce((sum, f) => sum.add(dec(f.feeTry)), fees);
    peak = maxDec(peak, equity);
    worst = maxDec(worst, peak.sub(equity).div(peak));
    const net = equity.sub(opening);
    const tsMs = Date.parse(c.ts);
    const cycleId = `btcbot-local-stage7@${c.ts}`;
    return {
      tsMs,
      ts: new Date(tsMs).toISOString(),
      cycleId,
      baseMode: 'NORMAL',
      finalMode: 'NORMAL',
      riskReasons: [],
      universe: Object.keys(c.marks).sort(),
      paramVersion: 1,
      activeParamVersion: 1,
      paramChange: null,
      equityTry: toPlain(equity),
      netPnlTry: toPlain(net),
      grossPnlTry: toPlain(net.add(fees)),
      feesTry: toPlain(fees),
      slippageTry: '0',
      turnoverTry: toPlain(fills.reduce((sum, f) => sum.add(dec(f.qty).mul(dec(f.price))), ZERO)),
      maxDrawdownRatio: toPlain(worst),
      intents: fills.length,
      skipped: 0,
      submitted: c.submitted ?? fills.length,
      filled: c.filled ?? fills.length,
      rejected: c.rejected ?? 0,
      canceled: 0,
      throttled: 0,
      retries: 0,
      retryGiveups: 0,
      qualityFlags: ['simulated_execution'],
      alertFlags: c.alertFlags ?? [],
      noTradesReason: fills.length === 0 ? 'NO_TRADE_PLANNING' : null,
      marks: { ...c.marks },
      fills: fills.map((f, j) => ({ ...f, slippageTry: '0', clientOrderId: `s7-${i}-${j}` })),
    };
  });
}

/**
 * 1000 TRY; BTC bought at 1,000,000 and sold at 1,100,000 (a win of 19.58 TRY after fees at average cost),
 * ETH bought at 100,000 and sold at 90,000 (a loss of 20.38 TRY). Six cycles a minute apart from Sunday
 * 2026-11-22 23:57 UTC: two UTC days and two ISO weeks (2026-W47, 2026-W48). Fees 10 bps.
 */
export const SCENARIO: readonly CycleSpec[] = [
  {
    ts: '2026-11-22T23:57:00.000Z',
    equityTry: '999.8',
    marks: { BTCTRY: '1000000', ETHTRY: '100000' },
    fills: [{ symbol: 'BTCTRY', side: 'BUY', qty: '0.0002', price: '1000000', feeTry: '0.2' }],
  },
  { ts: '2026-11-22T23:58:00.000Z', equityTry: '1019.8', marks: { BTCTRY: '1100000', ETHTRY: '100000' } },
  {
    ts: '2026-11-22T23:59:00.000Z',
    equityTry: '1019.58',
    marks: { BTCTRY: '1100000', ETHTRY: '100000' },
    fills: [{ symbol: 'BTCTRY', side: 'SELL', qty: '0.0002', price: '1100000', feeTry: '0.22' }],
  },
  {
    ts: '2026-11-23T00:00:00.000Z',
    equityTry: '1019.38',
    marks: { BTCTRY: '1100000', ETHTRY: '100000' },
    fills: [{ symbol: 'ETHTRY', side: 'BUY', qty: '0.002', price: '100000', feeTry: '0.2' }],
    alertFlags: ['reject_spike'],
    submitted: 1,
    filled: 1,
    rejected: 3,
  },
  { ts: '2026-11-23T00:01:00.000Z', equityTry: '999.38', marks: { BTCTRY: '1100000', ETHTRY: '90000' } },
  {
    ts: '2026-11-23T00:02:00.000Z',
    equityTry: '999.2',
    marks: { BTCTRY: '1100000', ETHTRY: '90000' },
    fills: [{ symbol: 'ETHTRY', side: 'SELL', qty: '0.002', price: '90000', feeTry: '0.18' }],
  },
];

/** SCENARIO's figures, worked out by hand */
export const EXPECTED = {
  cycles: 6,
  openingTry: '1000',
  finalTry: '999.2',
  netPnlTry: '-0.8',
  totalReturnPct: '-0.08',
  // peak 1019.8, trough 999.2: 20.6 / 1019.8
  maxDrawdownPct: '2.02',
  trades: 2,
  wins: 1,
  losses: 1,
  winRatePct: '50',
  // 19.58 / 20.38
  profitFactor: '0.9607',
  fills: 4,
  buys: 2,
  sells: 2,
  volumeTry: '800',
  feesTry: '0.8',
  // 4 of 6 cycles ended holding BTC or ETH
  exposurePct: '66.67',
  btcRealizedTry: '19.58',
  ethRealizedTry: '-20.38',
} as const;

export function writeRun(dir: string, records: readonly Stage7RunRecord[], meta: Partial<Stage7RunMeta> = {}): void {
  const writer = new RunFolderWriter(dir);
  for (const r of records) writer.append(r);
  writer.finish({
    kind: 'backtest',
    dataset: 'data/replay/test',
    seed: 123,
    startedAt: records[0]?.ts ?? '2026-11-22T23:57:00.000Z',
    endedAt: records.at(-1)?.ts ?? '2026-11-22T23:57:00.000Z',
    stepSeconds: 60,
    cyclesRun: records.length,
    includeAdaptation: false,
    paramChanges: 0,
    fingerprint: 'ab'.repeat(32),
    ...meta,
  });
}
