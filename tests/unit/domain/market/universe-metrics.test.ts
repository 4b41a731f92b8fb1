import { describe, expect, it } from 'vitest';
import {
  depthTry,
  mid24hAgo,
  midOf,
  momentum24h,
  spreadBps,
  universeScore,
} from '../../../../shared/domain/market/universe-metrics';
import { dec, toPlain } from '../../../../shared/domain/money';
import { dayAgo, defaults, MINUTE, NOW } from './universe-fixtures';

const top = { bid: { price: dec('1000'), qty: dec('50') }, ask: { price: dec('1002'), qty: dec('50') } };

describe('universe metrics (spec 3.3)', () => {
  it('measures spread in bps of the mid and depth in TRY of the top level', () => {
    expect(toPlain(midOf(top))).toBe('1001');
    // (1002 - 1000) / 1001 * 10000
    expect(spreadBps(top).toFixed(12)).toBe('19.980019980020');
    // 50 * 1000 + 50 * 1002
    expect(toPlain(depthTry(top))).toBe('100100');
  });

  it('measures momentum against the mid of 24 h ago', () => {
    expect(toPlain(momentum24h(dec('1001'), dec('910')))).toBe('0.1');
    expect(toPlain(momentum24h(dec('900'), dec('1000')))).toBe('-0.1');
  });

  it('scores momentum minus spread plus log depth minus the 1123 reject penalty', () => {
    const metrics = {
      mid: dec('1001'),
      spreadBps: spreadBps(top),
      depthTry: depthTry(top),
      momentum24h: dec('0.1'),
      rejects1123: 0,
    };
    // 1 * 0.1 - 0.01 * 19.98001998... + 0.1 * ln(100101) (ln = 11.5139349552634...)
    expect(universeScore(metrics, defaults).toFixed(15)).toBe('1.051593295726140');
    // two rejects in the window cost 0.05 each
    expect(universeScore({ ...metrics, rejects1123: 2 }, defaults).toFixed(15)).toBe('0.951593295726140');
  });

  it('takes the stored mid closest to 24 h ago within the tolerance, the older one on a tie', () => {
    const tolerance = 30 * MINUTE;
    const history = [
      dayAgo('BTCTRY', '90', -10 * MINUTE),
      dayAgo('BTCTRY', '95', 5 * MINUTE),
      dayAgo('BTCTRY', '80', -5 * MINUTE),
    ];
    expect(toPlain(mid24hAgo(history, NOW, tolerance) ?? dec('0'))).toBe('80');
    expect(toPlain(mid24hAgo([...history].reverse(), NOW, tolerance) ?? dec('0'))).toBe('80');
    expect(mid24hAgo([dayAgo('BTCTRY', '90', 31 * MINUTE)], NOW, tolerance)).toBeUndefined();
    expect(toPlain(mid24hAgo([dayAgo('BTCTRY', '90', -30 * MINUTE)], NOW, tolerance) ?? dec('0'))).toBe('90');
    expect(mid24hAgo([{ symbol: 'BTCTRY', atMs: NOW - 5 * MINUTE, mid: dec('1') }], NOW, tolerance)).toBeUndefined();
  });
});
