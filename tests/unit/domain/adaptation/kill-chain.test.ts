// The stage 7 kill chain (spec 4.17): consecutive failures set the stored kill switch at the threshold with
// reason kill_chain:{ErrorType} and an optional expiry; a healthy success resets the count
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CycleOutcome,
  errorTypeOf,
  killChainStep,
  sanitizeErrorType,
} from '../../../../shared/domain/adaptation/kill-chain';
import { ValidationError } from '../../../../shared/domain/errors';
import type { OpState } from '../../../../shared/domain/escalation';

const settings = { KILL_CHAIN_MAX_CONSECUTIVE_ERRORS: 3, KILL_CHAIN_COOLDOWN_SECONDS: 0 };
const NOW = 1_704_067_200_000;
const failed = (errorType = 'TypeError'): CycleOutcome => ({ kind: 'failed', errorType });
const ok: CycleOutcome = { kind: 'succeeded', apiHealthy: true };
const degraded: CycleOutcome = { kind: 'succeeded', apiHealthy: false };

describe('killChainStep (spec 4.17)', () => {
  it('counts failures and sets the kill switch at the third in a row (KILL_CHAIN_MAX_CONSECUTIVE_ERRORS)', () => {
    expect(killChainStep(0, failed(), NOW, settings)).toEqual({ consecutiveErrors: 1 });
    expect(killChainStep(1, failed(), NOW, settings)).toEqual({ consecutiveErrors: 2 });
    expect(killChainStep(2, failed('ExchangeUnavailableError'), NOW, settings)).toEqual({
      consecutiveErrors: 3,
      killSwitch: { on: true, reason: 'kill_chain:ExchangeUnavailableError', sinceMs: NOW },
    });
  });

  it('keeps asking for the kill switch on every further failure', () => {
    expect(killChainStep(5, failed(), NOW, settings).killSwitch?.reason).toBe('kill_chain:TypeError');
  });

  it('with a cooldown the kill switch expires at now + KILL_CHAIN_COOLDOWN_SECONDS', () => {
    const step = killChainStep(2, failed(), NOW, { ...settings, KILL_CHAIN_COOLDOWN_SECONDS: 600 });
    expect(step.killSwitch?.expiresAtMs).toBe(NOW + 600_000);
  });

  it('a threshold of 1 sets it on the first failure', () => {
    expect(
      killChainStep(0, failed(), NOW, { ...settings, KILL_CHAIN_MAX_CONSECUTIVE_ERRORS: 1 }).killSwitch,
    ).toBeDefined();
  });

  it('a successful cycle with a healthy API resets the count; with a degraded API it keeps it', () => {
    expect(killChainStep(2, ok, NOW, settings)).toEqual({ consecutiveErrors: 0 });
    expect(killChainStep(2, degraded, NOW, settings)).toEqual({ consecutiveErrors: 2 });
  });

  it('the kill switch it sets is the op-state stored kill switch (spec 9.1.5 document)', () => {
    const step = killChainStep(2, failed(), NOW, settings);
    const { expiresAtMs: _none, ...stored } = step.killSwitch ?? { on: true as const, reason: 'x', sinceMs: 0 };
    const state: OpState = { symbols: {}, killSwitch: stored };
    expect(state.killSwitch).toEqual({ on: true, reason: 'kill_chain:TypeError', sinceMs: NOW });
  });

  it('sets the kill switch exactly when the run of failures reaches the threshold', () => {
    const outcome = fc.oneof(
      fc.constant(ok),
      fc.constant(degraded),
      fc.constantFrom('TypeError', 'RangeError').map((t) => failed(t)),
    );
    fc.assert(
      fc.property(fc.array(outcome, { maxLength: 30 }), fc.integer({ min: 1, max: 5 }), (outcomes, max) => {
        const s = { ...settings, KILL_CHAIN_MAX_CONSECUTIVE_ERRORS: max };
        let count = 0;
        let run = 0;
        for (const o of outcomes) {
          const step = killChainStep(count, o, NOW, s);
          if (o.kind === 'failed') run += 1;
          else if (o.apiHealthy) run = 0;
          if (step.consecutiveErrors !== run) return false;
          if ((step.killSwitch !== undefined) !== (o.kind === 'failed' && run >= max)) return false;
          count = step.consecutiveErrors;
        }
        return true;
      }),
    );
  });
});

describe('error types in the reason', () => {
  it('takes the error name (the class name of our typed errors)', () => {
    expect(errorTypeOf(new RangeError('x'))).toBe('RangeError');
    expect(errorTypeOf(new ValidationError('s', []))).toBe('ValidationError');
  });

  it('names a thrown non-Error NonErrorThrown', () => {
    expect(errorTypeOf('boom')).toBe('NonErrorThrown');
    expect(errorTypeOf(undefined)).toBe('NonErrorThrown');
  });

  it('keeps the reason clean: other characters become _, at most 64, never empty', () => {
    expect(sanitizeErrorType('a b:c')).toBe('a_b_c');
    expect(sanitizeErrorType('')).toBe('Error');
    expect(sanitizeErrorType('x'.repeat(100))).toHaveLength(64);
    expect(killChainStep(2, failed('my error'), NOW, settings).killSwitch?.reason).toBe('kill_chain:my_error');
  });
});

describe('refusals', () => {
  it('refuses a negative or fractional stored count', () => {
    expect(() => killChainStep(-1, ok, NOW, settings)).toThrow(/storedErrors/);
    expect(() => killChainStep(1.5, ok, NOW, settings)).toThrow(ValidationError);
  });

  it('refuses a bad nowMs', () => {
    expect(() => killChainStep(0, ok, Number.NaN, settings)).toThrow(/nowMs/);
  });

  it('refuses a threshold below 1 and a negative cooldown', () => {
    expect(() => killChainStep(0, ok, NOW, { ...settings, KILL_CHAIN_MAX_CONSECUTIVE_ERRORS: 0 })).toThrow(
      /KILL_CHAIN_MAX_CONSECUTIVE_ERRORS/,
    );
    expect(() => killChainStep(0, ok, NOW, { ...settings, KILL_CHAIN_COOLDOWN_SECONDS: -1 })).toThrow(
      /KILL_CHAIN_COOLDOWN_SECONDS/,
    );
  });
});
