// GET /api/v2/ticker (issue 12): JSON numbers become exact decimals, each pair is checked on its own, and
// the venue's stamp is placed on our clock for the freshness gate.
import { describe, expect, it } from 'vitest';
import { quotesOf, TickerDataSchema } from '../../../../shared/adapters/btcturk/ticker';
import { parseVenueJson } from '../../../../shared/adapters/btcturk/venue-json';
import { fixtureJson } from '../../../support/fixtures';

const times = { receivedAtMs: 1_774_252_926_000, venueAheadMs: 300 };
const item = (fields: Record<string, string>) =>
  parseVenueJson(
    `{"pair":"${fields.pair ?? 'BTCTRY'}","timestamp":${fields.timestamp ?? '1774252925783'},"bid":${fields.bid},"ask":${fields.ask}}`,
  );

describe('ticker quotes', () => {
  it('reads the captured answer exactly and places its stamp on our clock', () => {
    const body = fixtureJson('captured_rest_ticker_btctry_2026.json') as { data: unknown };
    const { quotes, invalid } = quotesOf(TickerDataSchema.parse(body.data), times);
    expect(invalid).toEqual([]);
    expect(quotes.map((q) => [q.symbol, q.bid.toFixed(), q.ask.toFixed(), q.receivedAtMs, q.stampedAtMs])).toEqual([
      ['BTCTRY', '3035109', '3036622', times.receivedAtMs, 1_774_252_925_783 - 300],
    ]);
  });

  it('takes a small price in exponent notation exactly, never through a float', () => {
    const { quotes } = quotesOf([item({ pair: 'PEPE_TRY', bid: '6E-05', ask: '6.1e-5' })], times);
    expect(quotes.map((q) => [q.symbol, q.bid.toFixed(), q.ask.toFixed()])).toEqual([
      ['PEPETRY', '0.00006', '0.000061'],
    ]);
  });

  it('leaves out only the insane pairs, naming what was wrong', () => {
    const { quotes, invalid } = quotesOf(
      [
        item({ pair: 'BTCTRY', bid: '100', ask: '101' }),
        item({ pair: 'ETHTRY', bid: '0', ask: '101' }),
        item({ pair: 'SOLTRY', bid: '102', ask: '101' }),
        item({ pair: 'AVAXTRY', bid: '"x"', ask: '101' }),
        item({ pair: 'XRPTRY', bid: '1', ask: '2', timestamp: '1774252925' }),
        { bid: 1 },
      ],
      times,
    );
    expect(quotes.map((q) => q.symbol)).toEqual(['BTCTRY']);
    expect(invalid.map((e) => e.message)).toEqual([
      expect.stringMatching(/"ETHTRY".*expected a positive bid and ask, was bid 0/),
      expect.stringMatching(/"SOLTRY".*crossed quote: bid 102 ask 101/),
      expect.stringMatching(/"AVAXTRY".*expected a decimal number/),
      expect.stringMatching(/"XRPTRY".*expected epoch milliseconds/),
      expect.stringMatching(/#5/),
    ]);
  });
});
