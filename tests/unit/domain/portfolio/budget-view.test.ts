import { describe, expect, it } from 'vitest';
import { dec, toPlain } from '../../../../shared/domain/money';
import { type BudgetInputs, budgetView } from '../../../../shared/domain/portfolio/budget-view';

const inputs = (overrides: Partial<BudgetInputs> = {}): BudgetInputs => ({
  tradingCapitalTry: dec('1000'),
  peakEquityTry: dec('2000'),
  equityTry: dec('2000'),
  realizedTodayTry: dec('0'),
  consecutiveLosses: 0,
  maxConsecutiveLosses: 3,
  volatility: 'normal',
  ...overrides,
});
const summary = (overrides: Partial<BudgetInputs> = {}) => {
  const v = budgetView(inputs(overrides));
  return [v.mode, toPlain(v.multiplier), toPlain(v.maxGrossExposureTry), toPlain(v.maxOrderTry), v.reasons];
};

describe('budget view (spec 3.11)', () => {
  it('derives the limits from capital and peak equity', () => {
    const v = budgetView(inputs());
    expect([v.dailyLossLimitTry, v.drawdownHaltTry].map(toPlain)).toEqual(['50', '300']);
    expect(summary()).toEqual(['NORMAL', '1', '1200', '200', []]);
  });

  it('halves the multiplier after the losing streak and quarters it in high or stressed volatility', () => {
    expect(summary({ consecutiveLosses: 2 })).toEqual(['NORMAL', '1', '1200', '200', []]);
    expect(summary({ consecutiveLosses: 3 })).toEqual([
      'REDUCE_RISK_ONLY',
      '0.5',
      '600',
      '100',
      ['consecutive_losses'],
    ]);
    expect(summary({ volatility: 'stressed', consecutiveLosses: 4 })).toEqual([
      'REDUCE_RISK_ONLY',
      '0.25',
      '300',
      '50',
      ['consecutive_losses', 'volatility_stressed'],
    ]);
    expect(summary({ volatility: 'low' })[0]).toBe('NORMAL');
  });

  it('observes only, multiplier 0, at the daily loss limit or the drawdown halt', () => {
    expect(summary({ realizedTodayTry: dec('-49.99') })[0]).toBe('NORMAL');
    expect(summary({ realizedTodayTry: dec('-50') })).toEqual(['OBSERVE_ONLY', '0', '0', '0', ['daily_loss_limit']]);
    expect(summary({ equityTry: dec('1700.01') })[0]).toBe('NORMAL');
    expect(summary({ equityTry: dec('1700') })).toEqual(['OBSERVE_ONLY', '0', '0', '0', ['drawdown_halt']]);
  });
});
