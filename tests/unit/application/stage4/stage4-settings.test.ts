// Every knob a stage 4 rule reads comes from the loaded configuration with the type the rule expects: the
// assignment below fails the typecheck when a rule asks for a knob the loader does not produce (or as
// another type), and the values are the spec defaults the rules were tested with.
import { describe, expect, it } from 'vitest';
import type { Stage4Settings } from '../../../../shared/application/stage4/stage4-settings';
import { loadConfig } from '../../../../shared/config/load-config';

describe('Stage4Settings', () => {
  it('is satisfied by the loaded configuration, with the spec defaults', () => {
    const settings: Stage4Settings = loadConfig({});
    expect(settings.TTL_SECONDS).toBe(120);
    expect(settings.MAX_OPEN_ORDERS).toBeGreaterThan(0);
    expect(settings.UNIVERSE_TOP_N).toBeGreaterThan(0);
    expect(settings.DEGRADE_WARN_THRESHOLD).toBeGreaterThanOrEqual(1);
  });
});
