// A bot's fills on its equity chart: the chart starts at the bot's start, then one point per cycle; a fill sits
// on the cycle it happened in (the last that started at or before it), fills of one side and symbol on one
// point are one marker with their total quantity and average price, and another bot's fills are not shown.
import { describe, expect, it } from 'vitest';
import { equityMarkers, equityPoints } from '../../../local/runner/report-markers';
import type { BotView, LocalRunSummary } from '../../../local/runner/summary';

const bot: BotView = {
  stage: 'stage3',
  account: 'stage3',
  equity: { start: '10000.00', end: '10001.00', pnl: '1.00' },
  equitySeries: [
    { timeIso: '2026-01-05T09:00:00.000Z', equity: '9999.90', pnl: '0' },
    { timeIso: '2026-01-05T09:01:00.000Z', equity: '9999.80', pnl: '0' },
    { timeIso: '2026-01-05T09:02:00.000Z', equity: '10001.00', pnl: '1' },
  ],
};

const fill = (over: Partial<LocalRunSummary['fills'][number]>): LocalRunSummary['fills'][number] => ({
  stage: 'stage3',
  tradeId: '1',
  clientOrderId: 'c-1',
  symbol: 'BTCTRY',
  side: 'BUY',
  price: '3000000',
  qty: '0.0001',
  fee: '0.3',
  feeAsset: 'TRY',
  timeIso: '2026-01-05T09:00:00.250Z',
  ...over,
});

describe('equityMarkers', () => {
  it('puts each fill on its cycle, one marker per side and symbol there, and skips the other bot', () => {
    expect(equityPoints(bot)).toEqual(['10000.00', '9999.90', '9999.80', '10001.00']);
    const markers = equityMarkers(bot, [
      fill({}),
      fill({ tradeId: '2', price: '3000100', qty: '0.0003', timeIso: '2026-01-05T09:00:30.000Z' }),
      fill({ tradeId: '3', side: 'SELL', price: '3100000', timeIso: '2026-01-05T09:02:00.000Z' }),
      fill({ tradeId: '4', stage: 'stage4', timeIso: '2026-01-05T09:01:10.000Z' }),
    ]);
    expect(markers).toEqual([
      {
        at: 1,
        value: '9999.90',
        side: 'buy',
        label: 'BUY 0.0004 BTCTRY @ 3000075 (2 fills) by 2026-01-05T09:00:30.000Z',
      },
      {
        at: 3,
        value: '10001.00',
        side: 'sell',
        label: 'SELL 0.0001 BTCTRY @ 3100000 (1 fill) by 2026-01-05T09:02:00.000Z',
      },
    ]);
  });

  it('has no marker for a bot that never ran a cycle', () => {
    expect(equityMarkers({ ...bot, equitySeries: [] }, [fill({})])).toEqual([]);
  });
});
