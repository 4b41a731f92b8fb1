// Which locked amounts our orders explain (issue 12): an unexplained one lists the pairs of its asset.
import { describe, expect, it } from 'vitest';
import { symbolsTrading, unexplainedAssets } from '../../../../shared/application/orders/unexplained-locks';
import { dec, ZERO } from '../../../../shared/domain/money';

const CONFIGURED = ['BTCTRY', 'ETHTRY', 'SOLTRY'];
const balance = (asset: string, locked: string) => ({ asset, locked: dec(locked), free: ZERO, total: dec(locked) });
const order = (symbol: string, side: 'BUY' | 'SELL', price: string, leftQty: string, certain = true) => ({
  symbol,
  side,
  price: dec(price),
  leftQty: dec(leftQty),
  certain,
});
const check = (balances: ReturnType<typeof balance>[], orders: ReturnType<typeof order>[]) =>
  unexplainedAssets({
    balances,
    orders,
    configuredSymbols: CONFIGURED,
    venueMinNotional: (symbol) => (symbol.endsWith('TRY') ? dec('99.91') : undefined),
  });

describe('unexplained locked amounts', () => {
  it('nothing locked and no order: everything explained', () => {
    expect(check([balance('TRY', '0'), balance('BTC', '0')], [])).toEqual([]);
  });

  it('a lock without an order of ours is unexplained, and lists the pairs of its asset', () => {
    expect(check([balance('TRY', '100.11')], [])).toEqual(['TRY']);
    expect(symbolsTrading(['TRY'], CONFIGURED)).toEqual(CONFIGURED);
    expect(symbolsTrading(['ETH'], CONFIGURED)).toEqual(['ETHTRY']);
  });

  it('a BUY explains its value plus a commission reserve of up to 0.5 %', () => {
    // 0.1 x 1000 = 100 TRY; the simulator locks 100.108, BTCTurk's FAQ 100.18
    expect(check([balance('TRY', '100.108')], [order('ETHTRY', 'BUY', '1000', '0.1')])).toEqual([]);
    expect(check([balance('TRY', '100.5')], [order('ETHTRY', 'BUY', '1000', '0.1')])).toEqual([]);
    expect(check([balance('TRY', '100.51')], [order('ETHTRY', 'BUY', '1000', '0.1')])).toEqual(['TRY']);
  });

  it('a SELL explains exactly its left base quantity', () => {
    expect(check([balance('BTC', '0.01')], [order('BTCTRY', 'SELL', '3000000', '0.01')])).toEqual([]);
    expect(check([balance('BTC', '0.01000001')], [order('BTCTRY', 'SELL', '3000000', '0.01')])).toEqual(['BTC']);
  });

  it('room a foreign order could hide in is unexplained once it reaches the venue minimum', () => {
    // 20,000 TRY of our BUYs: the 0.5 % reserve allowance (100 TRY) could hold a foreign 99.91 TRY order
    expect(check([balance('TRY', '20000')], [order('ETHTRY', 'BUY', '1000', '20')])).toEqual(['TRY']);
    expect(check([balance('TRY', '19000')], [order('ETHTRY', 'BUY', '1000', '19')])).toEqual([]);
  });

  it('an unlisted in-flight order may lock nothing or all: its lock could be a foreign one', () => {
    // the 100 TRY locked may be our in-flight BUY, or a foreign order while ours was never placed
    expect(check([balance('TRY', '100')], [order('ETHTRY', 'BUY', '1000', '0.1', false)])).toEqual(['TRY']);
    // a base asset leaves no room at all: a foreign SELL may be tiny in base units
    expect(check([balance('BTC', '0.01')], [order('BTCTRY', 'SELL', '3000000', '0.01', false)])).toEqual(['BTC']);
    // nothing locked: nothing can rest, whatever is in flight
    expect(check([balance('TRY', '0')], [order('ETHTRY', 'BUY', '1000', '0.1', false)])).toEqual([]);
  });
});
