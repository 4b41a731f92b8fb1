// The line a local run prints per cycle: sent and simulated orders in their own columns (as the totals count
// them), and why a stage 3 intent went no further (a leg below the venue's minimum notional, say).
import { describe, expect, it } from 'vitest';
import { CYCLE_HEADER, cycleLine } from '../../../local/runner/cycle-line';
import type { Stage3CycleRecord } from '../../../local/runner/scheduler';
import { newCounters } from '../../../shared/application/stage3/cycle-counters';

const record = (over: Partial<Stage3CycleRecord>): Stage3CycleRecord => ({
  stage: 'stage3',
  index: 7,
  account: 'stage3',
  cycleId: 'c7',
  timeIso: '2026-01-05T09:06:00.000Z',
  status: 'completed',
  mode: 'LIVE',
  unknown: 0,
  fills: 0,
  equity: '9999.76',
  pnl: '-0.24',
  reconcile: { delivered: 0, failed: 0, deadLettered: 0 },
  reconciled: 0,
  counters: { ...newCounters(), intents: 3, approved: 1, submitted: 1 },
  decisions: [],
  ...over,
});

const cells = (line: string) => line.trim().split(/\s+/);

describe('cycleLine', () => {
  it('puts sent and simulated orders in their own columns', () => {
    const header = cells(CYCLE_HEADER);
    const live = cells(cycleLine(record({})));
    const dry = cells(cycleLine(record({ mode: 'DRY_RUN', counters: { ...newCounters(), simulated: 2 } })));
    const at = (name: string) => header.indexOf(name);
    expect([live[at('submitted')], live[at('simulated')]]).toEqual(['1', '0']);
    expect([dry[at('submitted')], dry[at('simulated')]]).toEqual(['0', '2']);
  });

  it('says why intents were blocked, each reason once with its count, and an uncertain submit', () => {
    const decisions = [
      'risk_block:min_notional',
      'risk_block:min_notional',
      'risk_block:cooldown',
      'accounting:fee_conversion_missing:BNB',
    ];
    const counters = { ...newCounters(), intents: 3, approved: 0, unknown: 1 };
    expect(cycleLine(record({ decisions, counters }))).toMatch(
      / {2}submit uncertain 1; blocked risk_block:min_notional x2; blocked risk_block:cooldown$/,
    );
    expect(cycleLine(record({}))).toMatch(/-0\.24$/);
  });
});
