// exchangeinfo is kept for RULES_CACHE_TTL_SEC (issue 12): reused while fresh, failures never kept.
import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../../../shared/adapters/btcturk/ttl-cache';
import { ManualClock } from '../../../../shared/adapters/clock/manual-clock';
import { loadRules } from '../../../../shared/application/stage3/exchange-rules-cache';
import type { PairMetadata } from '../../../../shared/domain/exchange-rules';
import { dec } from '../../../../shared/domain/money';
import type { Exchange } from '../../../../shared/ports/exchange';

describe('TtlCache', () => {
  it('reuses a value while younger than the TTL, then reads again', async () => {
    const clock = new ManualClock(0);
    const cache = new TtlCache<number>(clock, 1_000);
    let reads = 0;
    const read = async () => ++reads;
    expect(await cache.get(read)).toBe(1);
    clock.advance(999);
    expect(await cache.get(read)).toBe(1);
    clock.advance(1);
    expect(await cache.get(read)).toBe(2);
  });

  it('keeps no failure, and concurrent reads share one request', async () => {
    const cache = new TtlCache<number>(new ManualClock(0), 1_000);
    await expect(cache.get(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    let reads = 0;
    const read = async () => ++reads;
    expect(await Promise.all([cache.get(read), cache.get(read)])).toEqual([1, 1]);
  });
});

describe('rules derived once per exchangeinfo list', () => {
  const meta: PairMetadata = {
    symbol: 'BTCTRY',
    base: 'BTC',
    quote: 'TRY',
    status: 'TRADING',
    numeratorScale: 8,
    denominatorScale: 2,
    hasFraction: false,
    orderMethods: ['LIMIT'],
    tickSize: '10',
    minNotionalCandidates: ['99.91'],
  };
  const settings = {
    STAGE7_RULES_SAFE_MIN_NOTIONAL_TRY: dec('100'),
    MIN_ORDER_NOTIONAL_TRY: dec('10'),
    EXECUTION_FALLBACK_MIN_NOTIONAL_TRY: dec('100'),
  };
  const exchangeOf = (list: PairMetadata[]) => ({ exchangeInfo: async () => list }) as unknown as Exchange;

  it('hands out the same derived rules for the same list, and derives a new list anew', async () => {
    const list = [meta];
    const first = await loadRules(exchangeOf(list), settings, true);
    expect(await loadRules(exchangeOf(list), settings, true)).toBe(first);
    expect(await loadRules(exchangeOf([meta]), settings, true)).not.toBe(first);
    expect(first.rules('BTC_TRY')?.minNotional.toFixed()).toBe('99.91');
    expect(first.venueMinNotional('BTCTRY')?.toFixed()).toBe('99.91');
  });
});
