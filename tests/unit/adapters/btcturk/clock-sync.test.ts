import { describe, expect, it } from 'vitest';
import { ClockSync } from '../../../../shared/adapters/btcturk/clock-sync';
import { ManualClock } from '../../../../shared/adapters/clock/manual-clock';
import { MockVenue, RECORDED_SERVER_TIME_MS } from '../../../contract/exchange-mockagent-harness';

describe('ClockSync', () => {
  it('shifts local time by the measured offset (server 102 500 vs local 100 000)', async () => {
    const clock = new ManualClock(100_000);
    const sync = new ClockSync({ clock, refreshIntervalMs: 60_000, fetchServerTimeMs: async () => 102_500 });
    expect(await sync.serverNowMs()).toBe(102_500);
    expect(clock.nowMs()).toBe(100_000);
  });

  it('clamps the offset to +-15 s', async () => {
    const clock = new ManualClock(100_000);
    const sync = new ClockSync({ clock, refreshIntervalMs: 60_000, fetchServerTimeMs: async () => 160_000 });
    expect(await sync.serverNowMs()).toBe(115_000);
  });

  it('keeps the raw offset beyond the clamp for lookup windows, with half the round trip as its uncertainty', async () => {
    const clock = new ManualClock(100_000);
    const sync = new ClockSync({
      clock,
      refreshIntervalMs: 60_000,
      fetchServerTimeMs: async () => {
        clock.advance(400);
        return 160_200; // server time at the midpoint of the request (local 100 200) + 60 s
      },
    });
    expect(await sync.serverNowMs()).toBe(115_400);
    expect(await sync.measurement()).toEqual({ offsetMs: 60_000, uncertaintyMs: 200, measuredAtMs: 100_400 });
    expect(sync.snapshot()).toMatchObject({ offsetMs: 15_000, rawOffsetMs: 60_000, uncertaintyMs: 200 });
  });

  it('measures before a lookup when no measurement ever succeeded, even inside the refresh interval', async () => {
    const clock = new ManualClock(100_000);
    const answers: (number | Error)[] = [new Error('venue down'), 99_000];
    let calls = 0;
    const sync = new ClockSync({
      clock,
      refreshIntervalMs: 60_000,
      fetchServerTimeMs: async () => {
        const answer = answers[calls++] ?? new Error('no more answers');
        if (answer instanceof Error) throw answer;
        return answer;
      },
    });
    expect(await sync.serverNowMs()).toBe(100_000);
    expect(await sync.measurement()).toEqual({ offsetMs: -1_000, uncertaintyMs: 0, measuredAtMs: 100_000 });
    expect(calls).toBe(2);
    // a measurement exists: the next lookup inside the interval reuses it
    await sync.measurement();
    expect(calls).toBe(2);
  });

  it('reports no measurement when the venue clock cannot be read', async () => {
    const clock = new ManualClock(100_000);
    const sync = new ClockSync({
      clock,
      refreshIntervalMs: 60_000,
      fetchServerTimeMs: async () => {
        throw new Error('venue down');
      },
    });
    expect(await sync.measurement()).toBeUndefined();
    expect(sync.snapshot()).toMatchObject({ rawOffsetMs: undefined, lastError: 'venue down' });
  });

  it('measures again only after the refresh interval', async () => {
    const clock = new ManualClock(100_000);
    const answers = [101_000, 150_000];
    let calls = 0;
    const sync = new ClockSync({
      clock,
      refreshIntervalMs: 60_000,
      fetchServerTimeMs: async () => answers[calls++] ?? 0,
    });
    await sync.serverNowMs();
    clock.advance(59_999);
    expect(await sync.serverNowMs()).toBe(160_999);
    clock.advance(1);
    expect(await sync.serverNowMs()).toBe(150_000);
    expect(calls).toBe(2);
  });

  it('keeps the previous offset and records the error when a refresh fails', async () => {
    const clock = new ManualClock(100_000);
    const sync = new ClockSync({
      clock,
      refreshIntervalMs: 0,
      fetchServerTimeMs: async () => {
        throw new Error('venue down');
      },
    });
    expect(await sync.serverNowMs()).toBe(100_000);
    expect(sync.snapshot().lastError).toBe('venue down');
  });
});

describe('gateway signing with a skewed local clock', () => {
  it('stamps private calls with server time when the server is 2.5 s ahead', async () => {
    const venue = new MockVenue({}, RECORDED_SERVER_TIME_MS - 2500);
    await venue.exchange.openOrders('BTCTRY');
    const signed = venue.requests().find((r) => r.pathname === '/api/v1/openOrders');
    expect(signed?.headers['x-stamp']).toBe(String(RECORDED_SERVER_TIME_MS));
    expect(venue.exchange.health().clock.offsetMs).toBe(2500);
  });
});
