import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors';
import { dec } from '../../../../shared/domain/money';
import {
  type AnomalySettings,
  advanceCursorStalls,
  type CycleObservation,
  detectAnomalies,
} from '../../../../shared/domain/risk/anomalies';

const NOW = 1_700_000_000_000;
const SETTINGS: AnomalySettings = {
  STALE_MARKET_DATA_SECONDS: 30,
  LATENCY_SPIKE_MS: 2000,
  REJECT_SPIKE_THRESHOLD: 3,
  CURSOR_STALL_CYCLES: 5,
  CLOCK_SKEW_SECONDS_THRESHOLD: 30,
  PNL_DIVERGENCE_TRY_WARN: dec('50'),
  PNL_DIVERGENCE_TRY_ERROR: dec('200'),
};
const quiet = (overrides: Partial<CycleObservation> = {}): CycleObservation => ({
  cycleId: 'c1',
  nowMs: NOW,
  marketDataAgeMs: new Map([
    ['BTCTRY', 30_000],
    ['ETHTRY', 1_000],
  ]),
  cycleDurationMs: 1999,
  rejectsThisCycle: 2,
  cursorStallCycles: new Map([['BTCTRY', 4]]),
  pnlSnapshot: { timestampMs: NOW - 30_000, equityTry: dec('1049.99') },
  ledgerEquityTry: dec('1000'),
  ...overrides,
});
const found = (overrides: Partial<CycleObservation> = {}) =>
  detectAnomalies(quiet(overrides), SETTINGS).map((e) => [e.id, e.detail]);

describe('anomaly detector (spec 3.16)', () => {
  it('finds nothing at the thresholds themselves where the table says "greater than"', () => {
    expect(found()).toEqual([]);
  });

  it('flags each condition once per cycle, keyed {cycleId}:{code}:{severity}', () => {
    expect(
      found({
        marketDataAgeMs: new Map([
          ['ETHTRY', 30_001],
          ['BTCTRY', 45_000],
          ['XRPTRY', 10],
        ]),
      }),
    ).toEqual([['c1:STALE_MARKET_DATA:WARN', 'BTCTRY,ETHTRY']]);
    expect(found({ cycleDurationMs: 2000 })).toEqual([['c1:EXCHANGE_LATENCY_SPIKE:WARN', '2000ms']]);
    expect(found({ rejectsThisCycle: 3 })).toEqual([['c1:ORDER_REJECT_SPIKE:WARN', '3 rejects']]);
    expect(
      found({
        cursorStallCycles: new Map([
          ['BTCTRY', 5],
          ['ETHTRY', 0],
        ]),
      }),
    ).toEqual([['c1:CURSOR_STALL:WARN', 'BTCTRY']]);
    expect(found({ pnlSnapshot: { timestampMs: NOW + 30_001, equityTry: dec('1000') } })).toEqual([
      ['c1:CLOCK_SKEW:WARN', '30001ms'],
    ]);
  });

  it('grades the PnL divergence: >= 50 WARN, >= 200 ERROR, either direction', () => {
    const divergence = (equity: string) => found({ pnlSnapshot: { timestampMs: NOW, equityTry: dec(equity) } });
    expect(divergence('1050')).toEqual([['c1:PNL_DIVERGENCE:WARN', '50 TRY']]);
    expect(divergence('800.5')).toEqual([['c1:PNL_DIVERGENCE:WARN', '199.5 TRY']]);
    expect(divergence('800')).toEqual([['c1:PNL_DIVERGENCE:ERROR', '200 TRY']]);
  });

  it('measures no skew or divergence before the first pnl snapshot', () => {
    expect(found({ pnlSnapshot: undefined, ledgerEquityTry: dec('99999') })).toEqual([]);
  });

  it('keys events of a scheduler cycle id (it holds ":") by its code and severity, the last two parts', () => {
    const id = 'btcbot-dev-stage4@2026-01-05T09:00:00.000Z';
    const ids = found({ cycleId: id, rejectsThisCycle: 99 }).map(([eventId]) => eventId);
    expect(ids).toEqual([`${id}:ORDER_REJECT_SPIKE:WARN`]);
  });

  it('refuses an empty cycle id and counts that cannot be', () => {
    expect(() => found({ cycleId: '' })).toThrow(ValidationError);
    expect(() => found({ cycleId: '' })).toThrow(/cycleId/);
    expect(() => found({ rejectsThisCycle: -1 })).toThrow(/rejectsThisCycle/);
    expect(() => found({ cycleDurationMs: 1.5 })).toThrow(/cycleDurationMs/);
    expect(() => found({ cursorStallCycles: new Map([['BTCTRY', -2]]) })).toThrow(/cursorStallCycles.BTCTRY/);
    expect(() => found({ marketDataAgeMs: new Map([['BTCTRY', Number.NaN]]) })).toThrow(/marketDataAgeMs.BTCTRY/);
  });
});

describe('cursor stall counter', () => {
  it('counts the cycles a cursor stays put, restarts on a move, starts new symbols at 0', () => {
    const first = advanceCursorStalls({ cursors: new Map(), stallCycles: new Map() }, new Map([['BTCTRY', 't1']]));
    const second = advanceCursorStalls(
      first,
      new Map([
        ['BTCTRY', 't1'],
        ['ETHTRY', 'e1'],
      ]),
    );
    const third = advanceCursorStalls(
      second,
      new Map([
        ['BTCTRY', 't1'],
        ['ETHTRY', 'e1'],
      ]),
    );
    expect([...third.stallCycles]).toEqual([
      ['BTCTRY', 2],
      ['ETHTRY', 1],
    ]);
    const moved = advanceCursorStalls(third, new Map([['BTCTRY', 't2']]));
    expect([...moved.stallCycles]).toEqual([['BTCTRY', 0]]);
  });
});
