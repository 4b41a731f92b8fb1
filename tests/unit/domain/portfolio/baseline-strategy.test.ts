import { describe, expect, it } from 'vitest';
import { dec, toPlain } from '../../../../shared/domain/money';
import type { OpenOrderView } from '../../../../shared/domain/oms/stage4-action';
import {
  type BaselineInput,
  type BaselineStrategySettings,
  baselineIntents,
} from '../../../../shared/domain/portfolio/baseline-strategy';

const settings: BaselineStrategySettings = {
  STAGE4_BOOTSTRAP_INTENTS: true,
  STAGE5_BOOTSTRAP_NOTIONAL_TRY: dec('50'),
  STAGE5_MAX_INTENT_NOTIONAL_TRY: dec('100'),
};
const input = (overrides: Partial<BaselineInput> = {}): BaselineInput => ({
  symbols: ['BTCTRY', 'ETHTRY'],
  marks: new Map([
    ['BTCTRY', dec('100')],
    ['ETHTRY', dec('200')],
  ]),
  positions: new Map(),
  openOrders: [],
  cashTry: dec('1000'),
  anchors: new Map(),
  ...overrides,
});
const open = (symbol: string, side: 'BUY' | 'SELL'): OpenOrderView => ({
  clientOrderId: `bb4-${symbol}`,
  symbol,
  side,
  price: dec('1'),
  qty: dec('1'),
  updatedAtMs: 0,
});
const summary = (i: BaselineInput, s = settings) =>
  baselineIntents(i, s).map((x) => [x.symbol, x.side, toPlain(x.requestedNotionalTry ?? dec('0')), x.rationale]);

describe('baseline mean reversion (spec 3.13)', () => {
  it('bootstraps each flat symbol with a marked price and no open BUY', () => {
    expect(summary(input())).toEqual([
      ['BTCTRY', 'BUY', '50', 'bootstrap_position'],
      ['ETHTRY', 'BUY', '50', 'bootstrap_position'],
    ]);
    expect(baselineIntents(input(), settings)[0]).toMatchObject({
      strategyId: 'baseline_mean_reversion_v1',
      intentType: 'place',
      confidence: 0.6,
    });
    expect(summary(input({ openOrders: [open('BTCTRY', 'BUY')], marks: new Map([['BTCTRY', dec('100')]]) }))).toEqual(
      [],
    );
    expect(summary(input({ cashTry: dec('30') }))[0]).toEqual(['BTCTRY', 'BUY', '30', 'bootstrap_position']);
    expect(summary(input({ cashTry: dec('0') }))).toEqual([]);
    expect(summary(input(), { ...settings, STAGE4_BOOTSTRAP_INTENTS: false })).toEqual([]);
  });

  it('stays quiet on a held symbol anchored at its mark, and reverts at 50 bps from a given anchor', () => {
    const held = { positions: new Map([['BTCTRY', dec('2')]]), symbols: ['BTCTRY'] };
    expect(summary(input(held))).toEqual([]);
    expect(summary(input({ ...held, anchors: new Map([['BTCTRY', dec('100.6')]]) }))).toEqual([
      ['BTCTRY', 'BUY', '100', 'mean_reversion_buy'],
    ]);
    expect(summary(input({ ...held, anchors: new Map([['BTCTRY', dec('100.5')]]) }))).toEqual([]);
    const above = { ...held, anchors: new Map([['BTCTRY', dec('99.5')]]) };
    // a SELL spends no TRY: it fires with an empty TRY balance, bounded by the intent cap and the holding
    expect(summary(input({ ...above, cashTry: dec('0') }))).toEqual([['BTCTRY', 'SELL', '100', 'mean_reversion_sell']]);
    expect(summary(input({ ...above, positions: new Map([['BTCTRY', dec('0.3')]]) }))).toEqual([
      ['BTCTRY', 'SELL', '30', 'mean_reversion_sell'],
    ]);
    expect(summary(input({ ...above, openOrders: [open('BTCTRY', 'SELL')] }))).toEqual([]);
  });
});
