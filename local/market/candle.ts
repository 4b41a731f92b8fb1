// One candle of a market series. Prices and volume are fixed-decimal strings (rounded to the pair's tick);
// spreadBps is the quoted bid/ask spread in basis points when the source knows it.

export interface Candle {
  /** Candle open time, Unix ms UTC */
  readonly timeMs: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  /** Base-asset volume traded in the candle */
  readonly volume: string;
  readonly spreadBps?: string | undefined;
}

export const CANDLE_COLUMNS = ['time_ms', 'open', 'high', 'low', 'close', 'volume'] as const;
