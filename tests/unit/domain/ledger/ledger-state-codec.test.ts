// parseLedgerState (shared/application/ledger/ledger-state-codec.ts): a stored projection is read only if
// it means something; anything else is a CorruptStateError naming the document and the field
import { describe, expect, it } from 'vitest';
import { parseLedgerState } from '../../../../shared/application/ledger/ledger-state-codec';
import { CorruptStateError } from '../../../../shared/domain/errors';
import { replayLedger } from '../../../../shared/domain/ledger/ledger-state';
import { ledgerStateToJson } from '../../../../shared/domain/ledger/ledger-state-json';
import { DAY0, tradeEvents } from './ledger-events';

const SOURCE = 'document ledger#default';
const stored = ledgerStateToJson(
  replayLedger([
    ...tradeEvents({
      symbol: 'BTCTRY',
      tradeId: '1',
      side: 'BUY',
      qty: '1',
      price: '100',
      timestampMs: DAY0,
      fee: '1',
    }),
    ...tradeEvents({ symbol: 'BTCTRY', tradeId: '2', side: 'SELL', qty: '0.4', price: '110', timestampMs: DAY0 + 1 }),
  ]),
);
const book = stored.symbols.BTCTRY ?? (undefined as never);
const withBook = (patch: object) => ({ ...stored, symbols: { BTCTRY: { ...book, ...patch } } });

const rejects = (json: unknown, message: RegExp) => {
  expect(() => parseLedgerState(json, SOURCE)).toThrow(CorruptStateError);
  expect(() => parseLedgerState(json, SOURCE)).toThrow(message);
};

describe('parseLedgerState', () => {
  it('reads back what ledgerStateToJson wrote', () => {
    expect(ledgerStateToJson(parseLedgerState(stored, SOURCE))).toEqual(stored);
  });

  it('names the source and the field of a malformed decimal', () => {
    rejects(
      withBook({ bought: '1e3' }),
      /invalid document ledger#default: symbols\.BTCTRY\.bought: expected a plain decimal string, was "1e3"/,
    );
    rejects(withBook({ bought: 1 }), /symbols\.BTCTRY\.bought/);
  });

  it('rejects amounts that cannot be negative or zero', () => {
    rejects(withBook({ sold: '-0.4' }), /symbols\.BTCTRY\.sold: expected a decimal >= 0, was "-0.4"/);
    rejects(withBook({ lots: [['0', '100']], sold: '1' }), /symbols\.BTCTRY\.lots\.0\.0: expected a decimal > 0/);
    rejects({ ...stored, feesByAsset: { TRY: '-1' } }, /feesByAsset\.TRY: expected a decimal >= 0/);
  });

  it('rejects lots that do not hold bought - sold or the average-cost quantity', () => {
    rejects(
      withBook({ lots: [['0.5', '100']] }),
      /symbols\.BTCTRY\.lots: expected lots holding bought - sold = 0\.6, was 0\.5/,
    );
    rejects(
      withBook({ average: { ...book.average, qty: '1' } }),
      /symbols\.BTCTRY\.average: expected the average-cost qty/,
    );
  });

  it('rejects an event count without a last key, a key of another shape, and a day not at midnight', () => {
    rejects({ ...stored, lastEventKey: null }, /lastEventKey: expected a key with eventCount 3, was null/);
    rejects({ ...stored, lastEventKey: '17#fill' }, /lastEventKey: expected <16-digit ms>#<event id>/);
    rejects({ ...stored, day: { ...stored.day, startMs: DAY0 + 1 } }, /day\.startMs: expected a UTC midnight in ms/);
  });

  it('rejects a symbol that is not a canonical pair, an unknown field and another version', () => {
    rejects({ ...stored, symbols: { btc_try: book } }, /symbols/);
    rejects({ ...stored, extra: 1 }, /extra/);
    rejects({ ...stored, version: 2 }, /version/);
    rejects('not an object', /invalid document ledger#default/);
  });
});
