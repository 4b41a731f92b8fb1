import { describe, expect, it } from 'vitest';
import { ledgerReport, maxDrawdown } from '../../../../shared/domain/ledger/ledger-report';
import { DAY_MS, replayLedger } from '../../../../shared/domain/ledger/ledger-state';
import { type Dec, dec, toPlain } from '../../../../shared/domain/money';
import { DAY0, trade } from './ledger-events';

const marks = (entries: Record<string, string>): ReadonlyMap<string, Dec> =>
  new Map(Object.entries(entries).map(([symbol, price]) => [symbol, dec(price)]));
const plain = (x: Dec) => toPlain(x);
const NOW = DAY0 + 3600_000;

describe('ledger report (spec 3.10)', () => {
  const history = [...trade('BUY', '1', '100'), ...trade('BUY', '1', '110'), ...trade('SELL', '1.5', '120')];

  it('values the spec example: realized 25, unrealized 10 at 130, equity = cash + lots at the mark', () => {
    const report = ledgerReport(replayLedger(history), marks({ BTCTRY: '130' }), dec('1000'), NOW);
    expect([report.realizedTry, report.unrealizedTry, report.grossTry, report.netTry].map(plain)).toEqual([
      '25',
      '10',
      '35',
      '35',
    ]);
    expect([report.equityTry, report.turnoverTry].map(plain)).toEqual(['1065', '390']);
    expect(report.marksMissing).toEqual([]);
  });

  it('values a held symbol without a positive mark at its lot cost and lists it', () => {
    const report = ledgerReport(replayLedger(history), marks({ BTCTRY: '0' }), dec('1000'), NOW);
    expect([report.unrealizedTry, report.equityTry].map(plain)).toEqual(['0', '1055']);
    expect(report.marksMissing).toEqual(['BTCTRY']);
  });

  it('converts a 2 USDT fee at USDTTRY 35 to 70 TRY (spec 3.9), or by the inverse TRYUSDT mark', () => {
    const state = replayLedger(trade('BUY', '1', '100', { fee: '2', feeAsset: 'USDT', feeInQuote: '70' }));
    const direct = ledgerReport(state, marks({ BTCTRY: '100', USDTTRY: '35' }), dec('0'), NOW);
    expect([plain(direct.feesTry), plain(direct.netTry)]).toEqual(['70', '-70']);
    const inverse = ledgerReport(state, marks({ BTCTRY: '100', TRYUSDT: '0.025' }), dec('0'), NOW);
    expect(plain(inverse.feesTry)).toBe('80');
    expect(direct.feeConversionMissing).toEqual([]);
  });

  it('lists a fee asset it cannot convert instead of counting it as 0 TRY', () => {
    const state = replayLedger([
      ...trade('BUY', '1', '100', { fee: '1' }),
      ...trade('BUY', '1', '100', { fee: '0.5', feeAsset: 'XRP' }),
      ...trade('BUY', '1', '100', { fee: '2', feeAsset: 'USDT' }),
    ]);
    const report = ledgerReport(state, marks({ BTCTRY: '100' }), dec('0'), NOW);
    expect(report.feeConversionMissing).toEqual(['USDT', 'XRP']);
    expect(plain(report.feesTry)).toBe('1');
  });

  it('converts a USDT pair to TRY at the USDTTRY mark, and lists USDT when no mark converts it', () => {
    const usdt = (side: 'BUY' | 'SELL', qty: string, price: string) => trade(side, qty, price, { symbol: 'BTCUSDT' });
    const state = replayLedger([...usdt('BUY', '1', '10'), ...usdt('SELL', '0.5', '12')]);
    const valued = ledgerReport(state, marks({ BTCUSDT: '14', USDTTRY: '30' }), dec('0'), NOW);
    expect([valued.realizedTry, valued.unrealizedTry, valued.equityTry].map(plain)).toEqual(['30', '60', '210']);
    const unvalued = ledgerReport(state, marks({ BTCUSDT: '14' }), dec('0'), NOW);
    expect(unvalued.quoteConversionMissing).toEqual(['USDT']);
    expect([unvalued.realizedTry, unvalued.equityTry].map(plain)).toEqual(['0', '0']);
  });

  it('reports PnL since 00:00 UTC of now: 0 on a day without events', () => {
    const state = replayLedger([
      ...trade('BUY', '3', '100', { timestampMs: DAY0 + 1000, fee: '1' }),
      ...trade('SELL', '1', '110', { timestampMs: DAY0 + 2000, fee: '1' }),
      ...trade('SELL', '1', '90', { timestampMs: DAY0 + DAY_MS + 5000, fee: '1' }),
    ]);
    const today = ledgerReport(state, marks({ BTCTRY: '100' }), dec('0'), DAY0 + DAY_MS + 9000).today;
    expect([today.realizedTry, today.feesTry, today.netTry].map(plain)).toEqual(['-10', '1', '-11']);
    const nextDay = ledgerReport(state, marks({ BTCTRY: '100' }), dec('0'), DAY0 + 2 * DAY_MS).today;
    expect([nextDay.realizedTry, nextDay.feesTry].map(plain)).toEqual(['0', '0']);
  });

  it('surfaces oversold quantity by symbol', () => {
    const report = ledgerReport(replayLedger(trade('SELL', '0.2', '100')), marks({ BTCTRY: '100' }), dec('0'), NOW);
    expect([...report.oversold].map(([s, q]) => [s, plain(q)])).toEqual([['BTCTRY', '0.2']]);
  });
});

describe('max drawdown (spec 3.10)', () => {
  it('is (peak - trough) / peak over the series: 1000, 1100, 990 -> 0.1', () => {
    expect(plain(maxDrawdown(['1000', '1100', '990'].map(dec)))).toBe('0.1');
  });

  it('keeps the largest drawdown after a recovery, and is 0 for no series or no positive peak', () => {
    expect(plain(maxDrawdown(['100', '50', '200', '180'].map(dec)))).toBe('0.5');
    expect(plain(maxDrawdown([]))).toBe('0');
    expect(plain(maxDrawdown(['0', '-5'].map(dec)))).toBe('0');
  });
});
