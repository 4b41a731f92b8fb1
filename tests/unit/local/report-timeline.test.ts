// The trading-cycle timeline of the report: a cycle that sent or simulated an order gives no reason; an idle one
// says why in plain words with the stage's own code (stage 4's reasons for no action, a freeze, a risk mode, a
// minimum-notional refusal; stage 3's counters and decisions; a cycle that did not complete).
import { describe, expect, it } from 'vitest';
import { explainCode, timelineOf } from '../../../local/runner/report-timeline';
import type { Stage3CycleRecord, Stage4CycleRecord } from '../../../local/runner/scheduler';
import { newCounters } from '../../../shared/application/stage3/cycle-counters';
import { newExecutionResult } from '../../../shared/application/stage4/execute-actions-result';

const base = {
  index: 1,
  account: 'stage3',
  cycleId: 'c-1',
  timeIso: '2026-01-05T09:00:00.000Z',
  status: 'completed' as const,
  mode: 'LIVE' as const,
  unknown: 0,
  fills: 0,
  equity: '10000',
  pnl: '0',
  reconcile: { delivered: 0, failed: 0, deadLettered: 0 },
  reconciled: 0,
};

const stage3 = (over: Partial<Stage3CycleRecord> = {}): Stage3CycleRecord => ({
  ...base,
  stage: 'stage3',
  counters: newCounters(),
  decisions: [],
  ...over,
});

const stage4 = (over: Partial<Stage4CycleRecord> = {}): Stage4CycleRecord => ({
  ...base,
  account: 'stage4',
  stage: 'stage4',
  counters: { planned: 0, actions: 0, recovered: 0, fillsInserted: 0, imported: 0 },
  execution: newExecutionResult().counters,
  decisions: [],
  reasonsNoAction: ['no_planned_actions'],
  riskMode: 'NORMAL',
  freezeActive: false,
  ...over,
});

describe('timelineOf', () => {
  it('gives no reason for a cycle that sent an order, and stage 3 idle reasons from its counters and decisions', () => {
    const [sent, blocked, quiet, failed] = timelineOf([
      stage3({ counters: { ...newCounters(), intents: 2, approved: 2, submitted: 1, unknown: 1 } }),
      stage3({
        index: 2,
        counters: { ...newCounters(), intents: 1, approved: 0 },
        decisions: ['risk_block:min_notional'],
      }),
      stage3({ index: 3 }),
      stage3({ index: 4, status: 'error', mode: 'ERROR', counters: undefined, error: 'Error: boom' }),
    ]);
    expect(sent).toMatchObject({ intents: 2, submitted: 1, uncertain: 1, why: [] });
    expect(blocked?.why).toEqual([
      'risk approved none of the 1 intent',
      'below the venue minimum notional (risk_block:min_notional)',
    ]);
    expect(quiet?.why).toEqual(['the strategy wanted no order this minute (no intent)']);
    expect(failed?.why).toEqual(['cycle error: Error: boom', 'mode ERROR']);
  });

  it("explains stage 4's idle cycles with its reasons, a freeze, a risk mode and minimum-notional refusals", () => {
    const [idle, frozen, placed] = timelineOf([
      stage4(),
      stage4({
        index: 2,
        freezeActive: true,
        riskMode: 'REDUCE_RISK_ONLY',
        execution: { ...newExecutionResult().counters, rejected: 1, rejectedMinNotional: 1 },
        reasonsNoAction: ['kill_switch_active'],
      }),
      stage4({ index: 3, execution: { ...newExecutionResult().counters, submitted: 2 }, reasonsNoAction: [] }),
    ]);
    expect(idle?.why).toEqual(['the strategy planned no order (no_planned_actions)']);
    expect(frozen?.why).toEqual([
      'unknown-order freeze active',
      'risk mode REDUCE_RISK_ONLY',
      'venue refused 1 below the minimum notional',
      'kill switch on (kill_switch_active)',
    ]);
    expect(frozen?.rejected).toBe(1);
    expect(placed).toMatchObject({ submitted: 2, why: [] });
  });

  it('keeps a code it has no plain words for as it is', () => {
    expect(explainCode('execution:open_order_exists')).toBe('execution:open_order_exists');
    expect(explainCode('risk_block:cooldown_active')).toBe('symbol cooldown running (risk_block:cooldown_active)');
  });
});
