import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../shared/adapters/clock/manual-clock';
import { SystemClock } from '../../../../shared/adapters/clock/system-clock';

describe('ManualClock', () => {
  it('wakes sleepers in deadline order only when advanced past their deadline', async () => {
    const clock = new ManualClock(1_000);
    const woke: string[] = [];
    const a = clock.sleep(500).then(() => woke.push('a'));
    const b = clock.sleep(100).then(() => woke.push('b'));
    clock.advance(99);
    await Promise.resolve();
    expect(woke).toEqual([]);
    clock.advance(1);
    await b;
    expect(woke).toEqual(['b']);
    clock.advance(400);
    await a;
    expect(woke).toEqual(['b', 'a']);
    expect(clock.nowMs()).toBe(1_500);
    expect(clock.pendingSleepers).toBe(0);
  });

  it('advances itself on sleep in auto-advance mode', async () => {
    const clock = new ManualClock(0, { autoAdvance: true });
    await clock.sleep(250);
    expect(clock.nowMs()).toBe(250);
  });

  it('never goes back in time', () => {
    expect(() => new ManualClock(10).set(9)).toThrow(/never goes back/);
  });
});

describe('SystemClock', () => {
  it('reads the system time and sleeps for real', async () => {
    const clock = new SystemClock();
    const before = Date.now();
    await clock.sleep(5);
    expect(clock.nowMs()).toBeGreaterThanOrEqual(before + 4);
  });
});
