// fast-check generators of the values the stage 4 domain stores: each within what its codec accepts
import fc from 'fast-check';
import type { UniverseState } from '../../../../../shared/application/stage4/state/universe-state';
import { DAY_MS } from '../../../../../shared/domain/ledger/ledger-state';
import { dec } from '../../../../../shared/domain/money';
import { FREEZE_REASONS, type FreezeState } from '../../../../../shared/domain/oms/unknown-order-freeze';
import type { CapitalPolicyState } from '../../../../../shared/domain/portfolio/capital-policy';
import { ANOMALY_CODES, type CursorStallState } from '../../../../../shared/domain/risk/anomalies';
import type { DegradeLevel, DegradeState, OperatorOverride } from '../../../../../shared/domain/risk/degrade';
import { MODES } from '../../../../../shared/domain/risk/mode';
import type { RiskState } from '../../../../../shared/domain/risk/risk-budget';
import { decimalString, positiveDecimalString } from '../../../../support/arbitraries';

export const T0 = 1_700_000_000_000;
export const epoch = fc.integer({ min: T0, max: T0 + 400 * DAY_MS });
const midnight = fc.integer({ min: 19_000, max: 20_000 }).map((d) => d * DAY_MS);
// -0 is stored as 0: the domain never makes a negative zero it would need to tell apart
const amount = decimalString().map((s) => dec(s).abs());
const signed = decimalString({ signed: true }).map((s) => (dec(s).isZero() ? dec('0') : dec(s)));
const positive = positiveDecimalString.map((s) => dec(s));
const symbol = fc.constantFrom('BTCTRY', 'ETHTRY', 'SOLTRY', 'AVAXTRY', 'USDTTRY');
const code = fc.constantFrom(...ANOMALY_CODES);
const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s !== '__proto__');
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

export const riskState: fc.Arbitrary<RiskState> = fc.record({
  peakEquityTry: amount,
  peakEquityAtMs: epoch,
  feesDayStartMs: midnight,
  feesTodayTry: amount,
});

export const degradeState: fc.Arbitrary<DegradeState> = fc.record({
  level: fc.constantFrom<DegradeLevel>(0, 1, 2, 3),
  cooldownUntilMs: opt(epoch),
  reasons: fc.uniqueArray(fc.oneof(code, fc.constantFrom('BREAKER_OPEN', 'STAGE4_FREEZE_ACTIVE')), { maxLength: 4 }),
  stabilityStreak: fc.nat(10),
  warnWindow: fc.array(fc.uniqueArray(code, { maxLength: 3 }), { maxLength: 10 }),
});

export const cursorStallState: fc.Arbitrary<CursorStallState> = fc
  .dictionary(symbol, fc.tuple(fc.string({ maxLength: 20 }), fc.nat(50)))
  .map((d) => ({
    cursors: new Map(Object.entries(d).map(([s, [cursor]]) => [s, cursor])),
    stallCycles: new Map(Object.entries(d).map(([s, [, n]]) => [s, n])),
  }));

export const capitalPolicyState: fc.Arbitrary<CapitalPolicyState> = fc.record({
  tradingCapitalTry: amount,
  treasuryTry: amount,
  lastRealizedTotalTry: signed,
  lastEventCount: fc.nat(),
  lastCheckpointId: fc.string({ maxLength: 60 }),
});

export const degradeOverride: fc.Arbitrary<OperatorOverride> = fc.record({
  mode: fc.constantFrom(...MODES),
  untilMs: epoch,
});

export const freezeState: fc.Arbitrary<FreezeState> = fc.record({
  active: opt(
    fc.record({
      reason: fc.constantFrom(...FREEZE_REASONS),
      sinceMs: epoch,
      details: fc.array(text, { minLength: 1, maxLength: 20 }),
    }),
  ),
  mismatches: fc
    .dictionary(text, fc.record({ firstSeenMs: epoch, cycles: fc.integer({ min: 1, max: 100 }) }))
    .map((d) => new Map(Object.entries(d))),
  lastClear: opt(fc.record({ operator: text, atMs: epoch, reason: fc.constantFrom(...FREEZE_REASONS), note: text })),
});

export const universeState: fc.Arbitrary<UniverseState> = fc.record({
  symbolStates: fc
    .dictionary(
      symbol,
      fc.record({
        lastSelectedMs: opt(epoch),
        probationUntilMs: opt(epoch),
        cooldownUntilMs: opt(epoch),
        rejectWindowStartMs: opt(epoch),
        rejects1123: fc.nat(10),
      }),
    )
    .map((d) =>
      Object.entries(d)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([s, st]) => ({ symbol: s, ...st })),
    ),
  midHistory: fc
    .dictionary(symbol, fc.uniqueArray(fc.tuple(epoch, positive), { selector: ([at]) => at, maxLength: 5 }))
    .map((d) =>
      Object.entries(d)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .flatMap(([s, points]) =>
          [...points].sort(([a], [b]) => a - b).map(([atMs, mid]) => ({ symbol: s, atMs, mid })),
        ),
    ),
  previous: opt(
    fc.record({
      symbols: fc.uniqueArray(symbol, { maxLength: 5 }),
      refreshedAtMs: epoch,
      changesDayStartMs: midnight,
      changesToday: fc.nat(5),
    }),
  ),
});
