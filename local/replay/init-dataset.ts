// `btcbot replay init` (spec 4.19): a new dataset folder with its README and schema.json, and unless told
// otherwise the spec's 6 synthetic one-minute BTCTRY points from 2026-01-01T00:00Z: base = 100000 + 100 i +
// randint(0, 5), candle open base, high +80, low -80, close +20, volume 1.5 + i/10; book bid base+10, ask base+30;
// ticker last base+20 (high and low as the candle's, volume as the candle's: the spec leaves them open). The
// draw comes from the project's seeded PRNG (shared/domain/prng.ts, mulberry32): the same seed gives the same
// rows on every machine, but not the reference's rows, whose Python random.randint cannot be matched bit for bit.
// The synthetic dataset also gets exchangeinfo.json for BTCTRY (the simulator's pair rules), so a backtest runs
// on it as it is.
import { Dec, maxDec, minDec, ZERO } from '../../shared/domain/money';
import { createPrng } from '../../shared/domain/prng';
import { DatasetBuilder } from './dataset-builder';
import type { CandleRow } from './dataset-rows';
import { EXCHANGE_INFO_FILE, exchangeInfoText } from './exchange-info-file';
import type { DatasetReport } from './validate-dataset';

export const SYNTHETIC_SYMBOL = 'BTCTRY';
export const SYNTHETIC_START_MS = Date.UTC(2026, 0, 1);
const SYNTHETIC_POINTS = 6;

export interface InitOptions {
  readonly seed: number;
  /** false: only the folders and documents (--no-synthetic) */
  readonly synthetic: boolean;
}

/** @returns the validation report of the synthetic dataset, undefined without synthetic rows */
export function initDataset(dir: string, o: InitOptions): DatasetReport | undefined {
  const builder = new DatasetBuilder(dir);
  if (!o.synthetic) {
    builder.commitUnvalidated();
    return undefined;
  }
  const prng = createPrng(o.seed, 'replay-init');
  const candles: CandleRow[] = [];
  for (let i = 0; i < SYNTHETIC_POINTS; i++) {
    // randint(0, 5) includes 5: six outcomes
    const base = new Dec(100_000 + 100 * i + prng.int(6));
    const tsMs = SYNTHETIC_START_MS + i * 60_000;
    const volume = new Dec(15 + i).div(10);
    const [high, low, close] = [base.add(80), base.sub(80), base.add(20)];
    const candle: CandleRow = { tsMs, open: base, high, low, close, volume };
    candles.push(candle);
    builder.candle(SYNTHETIC_SYMBOL, candle, undefined);
    builder.book(SYNTHETIC_SYMBOL, { tsMs, bid: base.add(10), ask: base.add(30) });
    builder.ticker(SYNTHETIC_SYMBOL, { tsMs, last: close, high, low, volume });
  }
  const range = {
    symbol: SYNTHETIC_SYMBOL,
    low: candles.map((c) => c.low).reduce(minDec),
    high: candles.map((c) => c.high).reduce(maxDec),
    last: candles[candles.length - 1]?.close ?? ZERO,
  };
  builder.text(EXCHANGE_INFO_FILE, exchangeInfoText([range], SYNTHETIC_START_MS + 5 * 60_000));
  return builder.commit();
}
