// Spec 4.5 step 3: discovery from exchange info, one test per exclusion code and for their order
import { describe, expect, it } from 'vitest';
import type { PairMetadata } from '../../../../shared/domain/exchange-rules';
import {
  DISCOVERY_CODES,
  type DiscoveryCode,
  discoverCandidates,
  discoveryVerdict,
  operatorExclusionOf,
} from '../../../../shared/domain/market/stage7-universe-discovery';
import type { Stage7UniverseSettings } from '../../../../shared/domain/market/stage7-universe-input';

type Operator = Pick<
  Stage7UniverseSettings,
  'STAGE7_UNIVERSE_QUOTE_CCY' | 'STAGE7_UNIVERSE_WHITELIST' | 'STAGE7_UNIVERSE_BLACKLIST'
>;
const OPERATOR: Operator = {
  STAGE7_UNIVERSE_QUOTE_CCY: 'TRY',
  STAGE7_UNIVERSE_WHITELIST: undefined,
  STAGE7_UNIVERSE_BLACKLIST: undefined,
};

const pair = (symbol: string, over: Partial<PairMetadata> = {}): PairMetadata => {
  const [base = '', quote = ''] = symbol.split('_');
  return {
    symbol,
    base,
    quote,
    status: 'TRADING',
    numeratorScale: 8,
    denominatorScale: 2,
    hasFraction: true,
    orderMethods: ['LIMIT', 'MARKET'],
    tickSize: '0.01',
    minQty: '0.0001',
    minNotionalCandidates: ['10'],
    ...over,
  };
};

const verdictOf = (p: PairMetadata, s: Operator = OPERATOR) => discoveryVerdict(p, s);

describe('stage 7 discovery (spec 4.5 step 3)', () => {
  it('passes a listed TRY pair with usable metadata as its canonical symbol', () => {
    expect(verdictOf(pair('ETH_TRY'))).toEqual({ symbol: 'ETHTRY' });
  });

  it.each<[string, PairMetadata, DiscoveryCode]>([
    ['an empty symbol', pair('', { base: 'X', quote: 'TRY' }), 'excluded_by_symbol_missing'],
    ['a blank symbol', pair('  ', { base: 'X', quote: 'TRY' }), 'excluded_by_symbol_missing'],
    ['a symbol that cannot be read', pair('BTC-TRY', { base: 'BTC', quote: 'TRY' }), 'excluded_by_symbol_missing'],
    ['a USDT pair (spec example ADA_USDT)', pair('ADA_USDT'), 'excluded_by_quote'],
    ['a pair that is not TRADING (ours)', pair('OLD_TRY', { status: 'HALTED' }), 'excluded_by_status'],
    [
      'no min notional, no min qty and no price scale',
      pair('NOMETA_TRY', { minNotionalCandidates: [], minQty: undefined, denominatorScale: Number.NaN }),
      'excluded_by_metadata_missing',
    ],
    ['a min notional of 0', pair('ZERO_TRY', { minNotionalCandidates: ['0'] }), 'excluded_by_min_notional'],
    ['a min qty of 0', pair('NOQTY_TRY', { minQty: '0' }), 'excluded_by_min_qty'],
    ['a negative price scale', pair('SCALE_TRY', { denominatorScale: -1 }), 'excluded_by_step_size'],
  ])('excludes %s', (_, p, code) => {
    expect(verdictOf(p)).toBe(code);
  });

  it('applies the allowlist only when it lists something, then the denylist', () => {
    expect(verdictOf(pair('ETH_TRY'), { ...OPERATOR, STAGE7_UNIVERSE_WHITELIST: ['BTCTRY'] })).toBe(
      'excluded_by_allowlist',
    );
    expect(verdictOf(pair('ETH_TRY'), { ...OPERATOR, STAGE7_UNIVERSE_WHITELIST: [] })).toEqual({ symbol: 'ETHTRY' });
    expect(verdictOf(pair('ETH_TRY'), { ...OPERATOR, STAGE7_UNIVERSE_BLACKLIST: ['ETHTRY'] })).toBe(
      'excluded_by_denylist',
    );
  });

  it('counts a pair under the first check it fails, in the spec order', () => {
    const s: Operator = {
      ...OPERATOR,
      STAGE7_UNIVERSE_WHITELIST: ['ETHTRY'],
      STAGE7_UNIVERSE_BLACKLIST: ['ETHTRY', 'XRPTRY'],
    };
    expect(verdictOf(pair('XRP_USDT'), s)).toBe('excluded_by_quote');
    expect(verdictOf(pair('XRP_TRY'), s)).toBe('excluded_by_allowlist');
    expect(verdictOf(pair('ETH_TRY', { status: 'HALTED' }), s)).toBe('excluded_by_denylist');
    expect(verdictOf(pair('ETH_TRY', { status: 'HALTED', minQty: '0' }), OPERATOR)).toBe('excluded_by_status');
    expect(verdictOf(pair('ETH_TRY', { minNotionalCandidates: ['0'], minQty: '0' }))).toBe('excluded_by_min_notional');
    expect(verdictOf(pair('ETH_TRY', { minQty: '0', denominatorScale: -1 }))).toBe('excluded_by_min_qty');
  });

  it('reads the largest published min notional, and one present field is enough metadata', () => {
    expect(verdictOf(pair('ETH_TRY', { minNotionalCandidates: ['0', '10'] }))).toEqual({ symbol: 'ETHTRY' });
    const onlyScale = pair('ETH_TRY', { minNotionalCandidates: [], minQty: undefined });
    expect(verdictOf(onlyScale)).toEqual({ symbol: 'ETHTRY' });
    // unreadable text counts as absent, as the reference reads it
    const unreadable = pair('ETH_TRY', { minNotionalCandidates: ['n/a'], minQty: 'x', denominatorScale: Number.NaN });
    expect(verdictOf(unreadable)).toBe('excluded_by_metadata_missing');
  });

  it('reads the quote currency from STAGE7_UNIVERSE_QUOTE_CCY, in any case', () => {
    expect(verdictOf(pair('ADA_USDT'), { ...OPERATOR, STAGE7_UNIVERSE_QUOTE_CCY: 'usdt' })).toEqual({
      symbol: 'ADAUSDT',
    });
    expect(verdictOf(pair('ETH_TRY', { quote: 'try' }))).toEqual({ symbol: 'ETHTRY' });
  });

  it('returns the passing symbols sorted unique and counts every excluded row', () => {
    const out = discoverCandidates(
      [
        pair('XRP_TRY'),
        pair('ADA_USDT'),
        pair('BTC_TRY'),
        pair('XRPTRY', { base: 'XRP', quote: 'TRY' }),
        pair('DOT_USDT'),
        pair('ETH_TRY'),
      ],
      OPERATOR,
    );
    expect(out.candidates).toEqual(['BTCTRY', 'ETHTRY', 'XRPTRY']);
    expect(Object.keys(out.excluded)).toEqual([...DISCOVERY_CODES]);
    expect(out.excluded.excluded_by_quote).toBe(2);
    expect(Object.values(out.excluded).reduce((a, b) => a + b)).toBe(2);
  });

  it('gives no candidates when exchange info could not be read (errors -> empty)', () => {
    expect(discoverCandidates([], OPERATOR).candidates).toEqual([]);
  });

  it('applies the operator rules to a symbol without its pair row (a kept universe)', () => {
    expect(operatorExclusionOf('ETHTRY', OPERATOR)).toBeUndefined();
    expect(operatorExclusionOf('ADAUSDT', OPERATOR)).toBe('excluded_by_quote');
    expect(operatorExclusionOf('ETHTRY', { ...OPERATOR, STAGE7_UNIVERSE_BLACKLIST: ['ETHTRY'] })).toBe(
      'excluded_by_denylist',
    );
  });
});
