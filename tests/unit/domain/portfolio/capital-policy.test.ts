import { describe, expect, it } from 'vitest';
import { CapitalPolicyError } from '../../../../shared/domain/errors';
import { dec, toPlain } from '../../../../shared/domain/money';
import { applyCapitalCheckpoint, type CapitalPolicyState } from '../../../../shared/domain/portfolio/capital-policy';

const state = (capital: string, treasury: string, realized: string, events: number): CapitalPolicyState => ({
  tradingCapitalTry: dec(capital),
  treasuryTry: dec(treasury),
  lastRealizedTotalTry: dec(realized),
  lastEventCount: events,
  lastCheckpointId: `cp-${events}`,
});
const checkpoint = (events: number, realized: string) => ({
  checkpointId: `cp-${events}`,
  eventCount: events,
  realizedTotalTry: dec(realized),
});
const amounts = (s: CapitalPolicyState) => [toPlain(s.tradingCapitalTry), toPlain(s.treasuryTry)];
const reasonOf = (run: () => unknown): string => {
  try {
    run();
  } catch (e) {
    if (e instanceof CapitalPolicyError) return e.reason;
    throw e;
  }
  throw new Error('expected a CapitalPolicyError');
};

describe('capital policy (spec 3.11 with 9.3.21)', () => {
  it('seeds capital with the TRY cash and takes the first checkpoint as its baseline', () => {
    const { state: seeded, decision } = applyCapitalCheckpoint(undefined, checkpoint(10, '250'), dec('1000'));
    expect(decision).toBe('capital_apply:seeded');
    expect([...amounts(seeded), toPlain(seeded.lastRealizedTotalTry), seeded.lastEventCount]).toEqual([
      '1000',
      '0',
      '250',
      10,
    ]);
  });

  it('splits a gain 60/40: capital 1000, realized +100 -> 1060 / 40, and the same checkpoint again changes nothing', () => {
    const first = applyCapitalCheckpoint(state('1000', '0', '0', 4), checkpoint(6, '100'), dec('0'));
    expect([first.decision, ...amounts(first.state)]).toEqual(['capital_apply:gain_split', '1060', '40']);
    const again = applyCapitalCheckpoint(first.state, checkpoint(6, '100'), dec('0'));
    expect(again).toEqual({ state: first.state, decision: 'capital_apply:checkpoint_already_applied' });
  });

  it('keeps the treasury share in whole kuruş and gives capital the rest', () => {
    const { state: next } = applyCapitalCheckpoint(state('1000', '0', '0', 1), checkpoint(2, '0.123'), dec('0'));
    expect(amounts(next)).toEqual(['1000.083', '0.04']);
  });

  it('deducts a loss from trading capital and leaves the treasury alone (9.3.21)', () => {
    const loss = applyCapitalCheckpoint(state('1060', '40', '100', 6), checkpoint(8, '70'), dec('0'));
    expect([loss.decision, ...amounts(loss.state), toPlain(loss.state.lastRealizedTotalTry)]).toEqual([
      'capital_apply:loss_deducted',
      '1030',
      '40',
      '70',
    ]);
  });

  it('re-stamps a checkpoint with more events and the same realized total', () => {
    const { state: next, decision } = applyCapitalCheckpoint(state('1000', '0', '5', 6), checkpoint(9, '5'), dec('0'));
    expect([decision, next.lastEventCount, next.lastCheckpointId, ...amounts(next)]).toEqual([
      'capital_apply:restamped',
      9,
      'cp-9',
      '1000',
      '0',
    ]);
  });

  it('refuses fewer events than the last checkpoint, and the same events with another realized total', () => {
    expect(reasonOf(() => applyCapitalCheckpoint(state('1000', '0', '0', 6), checkpoint(5, '0'), dec('0')))).toBe(
      'capital_error:non_monotonic_checkpoint',
    );
    expect(reasonOf(() => applyCapitalCheckpoint(state('1000', '0', '0', 6), checkpoint(6, '1'), dec('0')))).toBe(
      'capital_policy_block:event_count_same_realized_mismatch',
    );
  });

  it('refuses a loss larger than the trading capital, and a negative seed', () => {
    expect(reasonOf(() => applyCapitalCheckpoint(state('50', '40', '0', 1), checkpoint(2, '-51'), dec('0')))).toBe(
      'capital_error:negative_capital',
    );
    expect(reasonOf(() => applyCapitalCheckpoint(undefined, checkpoint(0, '0'), dec('-1')))).toBe(
      'capital_error:negative_capital',
    );
  });
});
