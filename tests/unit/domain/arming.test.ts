import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ARMING_REASONS,
  type ArmingInputs,
  armingBanner,
  evaluateArming,
  parseRole,
} from '../../../shared/domain/arming';

const armed: ArmingInputs = {
  role: 'LIVE',
  dryRun: false,
  killSwitch: false,
  liveTradingEnabled: true,
  liveTradingAck: 'I_UNDERSTAND',
  enforceMonitorRole: true,
};

describe('evaluateArming (spec 1.7)', () => {
  it('allows live side effects only when every gate is open', () => {
    const d = evaluateArming(armed);
    expect(d).toEqual({ allowed: true, reasons: [], reasonCodes: [], message: 'Live side effects are armed' });
  });

  it('reports every blocking reason in the fixed order', () => {
    const d = evaluateArming({
      role: 'MONITOR',
      dryRun: true,
      killSwitch: true,
      liveTradingEnabled: false,
      liveTradingAck: undefined,
      enforceMonitorRole: true,
    });
    expect(d.reasons).toEqual(['MONITOR_ROLE', 'KILL_SWITCH', 'DRY_RUN', 'NOT_ARMED', 'ACK_MISSING']);
    expect(d.reasonCodes).toEqual([
      'policy_block:monitor_role',
      'policy_block:kill_switch',
      'policy_block:dry_run',
      'policy_block:not_armed',
      'policy_block:ack_missing',
    ]);
    expect(d.message).toBe('MONITOR role blocks side effects');
  });

  it('keeps the order for any combination of inputs, and allows only when no reason applies', () => {
    fc.assert(
      fc.property(
        fc.record({
          role: fc.constantFrom('LIVE', 'MONITOR'),
          dryRun: fc.boolean(),
          killSwitch: fc.boolean(),
          liveTradingEnabled: fc.boolean(),
          liveTradingAck: fc.constantFrom(undefined, 'I_UNDERSTAND', 'i_understand', 'yes'),
          enforceMonitorRole: fc.boolean(),
        }),
        (inputs) => {
          const d = evaluateArming(inputs as ArmingInputs);
          const order = d.reasons.map((r) => ARMING_REASONS.indexOf(r));
          expect(order).toEqual([...order].sort((a, b) => a - b));
          expect(d.allowed).toBe(d.reasons.length === 0);
        },
      ),
    );
  });

  it('does not enforce the MONITOR role unless asked (pure default), but runtime callers ask', () => {
    expect(evaluateArming({ ...armed, role: 'MONITOR', enforceMonitorRole: undefined }).allowed).toBe(true);
    expect(evaluateArming({ ...armed, role: 'MONITOR' }).reasons).toEqual(['MONITOR_ROLE']);
  });

  it('accepts only the exact acknowledgement phrase', () => {
    expect(evaluateArming({ ...armed, liveTradingAck: 'i_understand' }).reasons).toEqual(['ACK_MISSING']);
    expect(evaluateArming({ ...armed, liveTradingAck: ' I_UNDERSTAND' }).reasons).toEqual(['ACK_MISSING']);
  });

  it.each([
    [{ killSwitch: true }, 'KILL_SWITCH=true blocks side effects'],
    [{ dryRun: true }, 'DRY_RUN=true blocks side effects'],
    [
      { liveTradingEnabled: false },
      'Live trading is not armed; set LIVE_TRADING=true and LIVE_TRADING_ACK=I_UNDERSTAND',
    ],
    [{ liveTradingAck: 'no' }, 'Live trading is not armed; set LIVE_TRADING=true and LIVE_TRADING_ACK=I_UNDERSTAND'],
  ])('human message for %j', (change, message) => {
    expect(evaluateArming({ ...armed, ...change }).message).toBe(message);
  });

  it('prints the startup banner with a warning when blocked', () => {
    const inputs = { ...armed, killSwitch: true };
    expect(armingBanner(inputs, evaluateArming(inputs))).toBe(
      'Effective Side-Effects State: BLOCKED | process_role=LIVE dry_run=false kill_switch=true live_trading_enabled=true ack=true | reasons=KILL_SWITCH | WARNING: Side effects are BLOCKED',
    );
    expect(armingBanner(armed, evaluateArming(armed))).toMatch(/^Effective Side-Effects State: ARMED .* reasons=NONE$/);
  });
});

describe('parseRole', () => {
  it.each([
    ['LIVE', 'LIVE'],
    [' live ', 'LIVE'],
    ['MONITOR', 'MONITOR'],
    ['admin', 'MONITOR'],
    [undefined, 'MONITOR'],
  ])('%j -> %s', (raw, role) => expect(parseRole(raw)).toBe(role));
});
