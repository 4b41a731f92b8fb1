// Spec 4.1: the one environment rule of the stage 7 function (stack, invoke, local runner): never armed, always
// dry-run and enabled, whatever casing the environment used.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/load-config';
import { stage7Environment } from '../../../shared/config/stage7-environment';

const ARMED = {
  APP_ROLE: 'LIVE',
  DRY_RUN: 'false',
  SAFE_MODE: 'false',
  KILL_SWITCH: 'false',
  LIVE_TRADING: 'true',
  LIVE_TRADING_ACK: 'I_UNDERSTAND',
  BTCTURK_SECRET_ID: 'btcbot/dev/btcturk',
  SYMBOLS: 'BTCTRY',
};

describe('stage7Environment', () => {
  it('drops the live-arming knobs under any casing and sets DRY_RUN and STAGE7_ENABLED', () => {
    const env = stage7Environment({ ...ARMED, live_trading: 'true', Dry_Run: 'false', stage7_enabled: 'false' });
    expect(env).toEqual({
      APP_ROLE: 'LIVE',
      SAFE_MODE: 'false',
      KILL_SWITCH: 'false',
      BTCTURK_SECRET_ID: 'btcbot/dev/btcturk',
      SYMBOLS: 'BTCTRY',
      DRY_RUN: 'true',
      STAGE7_ENABLED: 'true',
    });
  });

  it('turns an environment armed for stage 3 or 4 into one the stage 7 configuration loads, unarmed', () => {
    expect(() => loadConfig(ARMED)).not.toThrow();
    const c = loadConfig(stage7Environment(ARMED));
    expect([c.DRY_RUN, c.LIVE_TRADING, c.LIVE_TRADING_ACK, c.STAGE7_ENABLED]).toEqual([true, false, undefined, true]);
  });
});
