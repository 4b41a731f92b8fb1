import { describe, expect, it } from 'vitest';
import { dec, toPlain } from '../../../shared/domain/money';
import { profitAwareIntents, type StrategyContext } from '../../../shared/domain/profit-aware-strategy';

const ctx = (over: Partial<StrategyContext> = {}): StrategyContext => ({
  symbols: ['ETHTRY', 'BTCTRY'],
  quotes: new Map([
    ['BTCTRY', { bid: dec('3000000'), ask: dec('3001000') }],
    ['ETHTRY', { bid: dec('100000'), ask: dec('100500') }],
  ]),
  positions: new Map(),
  freeTry: dec('1000'),
  minProfitBps: dec('30'),
  ttlSeconds: 120,
  minNotional: () => undefined,
  wholeBelowMin: true,
  ...over,
});

describe('ProfitAwareStrategyV1 (spec 2.6)', () => {
  it('takes profit on the whole position when a quarter of it is below the minimum notional, else on a quarter', () => {
    const held = (qty: string) => new Map([['BTCTRY', { qty: dec(qty), avgCost: dec('2990000') }]]);
    const sellQty = (over: Partial<StrategyContext>) =>
      profitAwareIntents(ctx({ symbols: ['BTCTRY'], minNotional: () => dec('99.91'), ...over })).map(
        (i) => `${i.side} ${toPlain(i.qty)}`,
      );
    // 0.0001 BTC at a 3,000,000 bid: a quarter is 75 TRY, under the minimum; the whole 300 TRY clears it
    expect(sellQty({ positions: held('0.0001') })).toEqual(['SELL 0.0001']);
    expect(sellQty({ positions: held('0.001') })).toEqual(['SELL 0.00025']);
    // the spec's behaviour: a quarter always, and so with no known minimum
    expect(sellQty({ positions: held('0.0001'), wholeBelowMin: false })).toEqual(['SELL 0.000025']);
    expect(sellQty({ positions: held('0.0001'), minNotional: () => undefined })).toEqual(['SELL 0.000025']);
  });

  it('enters flat symbols in sorted order at the ask with min(free TRY, 100) each', () => {
    const intents = profitAwareIntents(ctx());
    expect(intents.map((i) => [i.symbol, i.side, i.reason, toPlain(i.limitPrice)])).toEqual([
      ['BTCTRY', 'BUY', 'conservative_entry', '3001000'],
      ['ETHTRY', 'BUY', 'conservative_entry', '100500'],
    ]);
    expect(intents[0]?.qty.mul(intents[0].limitPrice).toFixed(8)).toBe('100.00000000');
    expect(intents[0]?.confidence).toBe(0.55);
  });

  it('skips entry when the spread exceeds 1 % or a side of the book is missing', () => {
    const quotes = new Map([
      ['BTCTRY', { bid: dec('100'), ask: dec('101.01') }],
      ['ETHTRY', { bid: dec('0'), ask: dec('100') }],
    ]);
    expect(profitAwareIntents(ctx({ quotes }))).toEqual([]);
  });

  it('takes profit on a quarter of the position at the bid once bid >= avg * (1 + MIN_PROFIT_BPS)', () => {
    const positions = new Map([['BTCTRY', { qty: dec('0.004'), avgCost: dec('2991000') }]]);
    const [sell] = profitAwareIntents(ctx({ positions, symbols: ['BTCTRY'] }));
    expect([sell?.side, sell?.reason, toPlain(sell?.qty ?? dec('0')), toPlain(sell?.limitPrice ?? dec('0'))]).toEqual([
      'SELL',
      'take_profit',
      '0.001',
      '3000000',
    ]);
  });

  it('holds a position that has not reached the profit threshold', () => {
    const positions = new Map([['BTCTRY', { qty: dec('0.004'), avgCost: dec('2991100') }]]);
    expect(profitAwareIntents(ctx({ positions, symbols: ['BTCTRY'] }))).toEqual([]);
  });

  it('does not enter without free TRY', () => {
    expect(profitAwareIntents(ctx({ freeTry: dec('0') }))).toEqual([]);
  });
});
