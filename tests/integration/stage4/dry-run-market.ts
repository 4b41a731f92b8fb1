// The market both dry-run tests trade on: BTCTRY flat at 3,000,000, up 1 % a minute for two minutes, flat,
// then back down to where it started; one candle per simulated minute from the harness clock's start.
import type { Candle } from '../../../local/market/candle';

/** The harness clock's start */
export const START = Date.UTC(2026, 10, 21, 12, 0, 0);
export const MINUTE = 60_000;

const candle = (minute: number, close: string): Candle => ({
  timeMs: START + minute * MINUTE,
  open: close,
  high: close,
  low: close,
  close,
  volume: '5',
  spreadBps: '2',
});

export const BTC: readonly Candle[] = [
  candle(0, '3000000'),
  candle(1, '3030000'),
  candle(2, '3060000'),
  candle(3, '3060000'),
  candle(4, '3000000'),
];
