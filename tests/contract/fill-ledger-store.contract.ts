// FillStore and LedgerStore contracts: put-if-absent by deterministic ids, so applying a fill or an event
// twice changes nothing; trade ids beyond 2^53 and 30-digit decimals survive exactly. The fill cursors that
// bound each import window (spec 3.8) never move backwards: a lower write is an error, not a no-op.
import { describe, expect, it } from 'vitest';
import { CursorRegressionError, ValidationError } from '../../shared/domain/errors';
import { dec } from '../../shared/domain/money';
import type { StateStores } from '../../shared/ports/state-store';
import { aFeeEvent, aFill, aLedgerEvent, settle, T0 } from './state-store-builders';

export function fillStoreContract(label: string, makeStores: () => Promise<StateStores>) {
  describe(`FillStore (${label})`, () => {
    it('adds a fill once per (account, symbol, trade id); a repeat changes nothing', async () => {
      const { fills } = await makeStores();
      expect(await fills.add(aFill())).toBe(true);
      expect(await fills.add(aFill({ qty: dec('5') }))).toBe(false);
      expect(await fills.add(aFill({ symbol: 'ETHTRY' }))).toBe(true);
      expect(await fills.add(aFill({ account: 'other' }))).toBe(true);
      expect(await fills.list('default', 'BTCTRY', 0)).toEqual([aFill()]);
    });

    it('round-trips trade ids beyond 2^53 and exact decimals', async () => {
      const { fills } = await makeStores();
      const fill = aFill({ tradeId: '18446744073709551617', fee: dec('0.000000000000000000000000000001') });
      await fills.add(fill);
      const [stored] = await fills.list('default', 'BTC_TRY', 0);
      expect(stored?.tradeId).toBe('18446744073709551617');
      expect(stored?.orderId).toBe('9007199254740993');
      expect(stored?.qty.toFixed()).toBe('0.00000001');
      expect(stored?.fee.toFixed()).toBe('0.000000000000000000000000000001');
    });

    it('lists fills at or after a time, oldest first', async () => {
      const { fills } = await makeStores();
      await fills.add(aFill({ tradeId: '3', timestampMs: T0 + 20 }));
      await fills.add(aFill({ tradeId: '1', timestampMs: T0 }));
      await fills.add(aFill({ tradeId: '2', timestampMs: T0 + 10, clientOrderId: undefined }));
      const listed = await fills.list('default', 'BTCTRY', T0 + 10);
      expect(listed.map((f) => f.tradeId)).toEqual(['2', '3']);
      expect(listed[0]?.clientOrderId).toBeUndefined();
    });

    it('stores one fill out of 20 parallel adds of one trade id', async () => {
      const { fills } = await makeStores();
      const { values, errors } = await settle(Array.from({ length: 20 }, () => fills.add(aFill())));
      expect(errors).toEqual([]);
      expect(values.filter(Boolean)).toHaveLength(1);
    });
  });

  describe(`fill cursors, CursorStore (${label})`, () => {
    const key = 'fills#default#BTCTRY';

    it('moves forward and accepts the stored value again', async () => {
      const { cursors } = await makeStores();
      expect(await cursors.get(key)).toBeUndefined();
      expect(await cursors.advance(key, T0)).toBe(T0);
      expect(await cursors.advance(key, T0)).toBe(T0);
      expect(await cursors.advance(key, T0 + 1)).toBe(T0 + 1);
      expect(await cursors.get(key)).toBe(T0 + 1);
    });

    it('refuses a lower value with CursorRegressionError naming the stored one, and keeps it', async () => {
      const { cursors } = await makeStores();
      await cursors.advance(key, T0);
      const refused = await cursors.advance(key, T0 - 1).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(CursorRegressionError);
      expect(refused).toMatchObject({ key, stored: T0, attempted: T0 - 1 });
      expect(String(refused)).toContain(`expected a value >= ${T0}, was ${T0 - 1}`);
      expect(await cursors.get(key)).toBe(T0);
    });

    it.each([
      ['beyond 2^53', 1e20],
      ['negative', -1],
      ['fractional', T0 + 0.5],
      ['not a number', Number.NaN],
    ])('refuses a value %s with a ValidationError, writing nothing', async (_name, value) => {
      const { cursors } = await makeStores();
      await expect(cursors.advance(key, value)).rejects.toBeInstanceOf(ValidationError);
      expect(await cursors.get(key)).toBeUndefined();
    });

    it('ends at the largest of 20 parallel advances; each refused one is a regression', async () => {
      const { cursors } = await makeStores();
      const { errors } = await settle(Array.from({ length: 20 }, (_, i) => cursors.advance(key, T0 + ((i * 7) % 20))));
      for (const e of errors) expect(e).toBeInstanceOf(CursorRegressionError);
      expect(await cursors.get(key)).toBe(T0 + 19);
    });
  });
}

export function ledgerStoreContract(label: string, makeStores: () => Promise<StateStores>) {
  describe(`LedgerStore (${label})`, () => {
    it('appends each event once by event id, even when it repeats with another timestamp', async () => {
      const { ledger } = await makeStores();
      const fee = aFeeEvent({ eventId: 'fee:1', tradeId: undefined });
      expect(await ledger.append([aLedgerEvent(), fee])).toBe(2);
      expect(await ledger.append([aLedgerEvent({ timestampMs: T0 + 99 }), fee])).toBe(0);
      expect(await ledger.append([aLedgerEvent({ eventId: 'e-3' }), aLedgerEvent({ eventId: 'e-3' })])).toBe(1);
      const listed = await ledger.list('default');
      expect(listed.map((e) => e.eventId)).toEqual(['e-3', 'fee:1', 'fill:BTCTRY:100000000000000001']);
      expect(listed[1]).toEqual(fee);
    });

    it('keeps 30-digit prices, 0.00000001 quantities and trade ids beyond 2^53 exact', async () => {
      const { ledger } = await makeStores();
      await ledger.append([aLedgerEvent({ tradeId: '18446744073709551617' })]);
      const [stored] = await ledger.list('default');
      expect(stored?.price.toFixed()).toBe('123456789012345678901234.567891');
      expect(stored?.qty.toFixed()).toBe('0.00000001');
      expect(stored?.tradeId).toBe('18446744073709551617');
    });

    it("keeps stage 7's simulated fill ids (s7f: on the FILL, fee:s7f: on its FEE, spec 4.13)", async () => {
      const { ledger } = await makeStores();
      const fill = aLedgerEvent({ eventId: 'fill:BTCTRY:s7f:0123456789abcdef', tradeId: 's7f:0123456789abcdef' });
      const fee = aFeeEvent({ eventId: 'fee:BTCTRY:s7f:0123456789abcdef', tradeId: 'fee:s7f:0123456789abcdef' });
      expect(await ledger.append([fill, fee])).toBe(2);
      expect((await ledger.list('default')).map((e) => e.tradeId).sort()).toEqual([
        'fee:s7f:0123456789abcdef',
        's7f:0123456789abcdef',
      ]);
    });

    it('appends a batch larger than one transaction, skipping the events already present', async () => {
      const { ledger } = await makeStores();
      const events = Array.from({ length: 120 }, (_, i) =>
        aLedgerEvent({ eventId: `e-${String(i).padStart(3, '0')}`, timestampMs: T0 + i }),
      );
      expect(await ledger.append(events.slice(0, 30))).toBe(30);
      expect(await ledger.append(events)).toBe(90);
      expect(await ledger.list('default', T0 + 100)).toEqual(events.slice(100));
      expect(await ledger.list('other')).toEqual([]);
    });

    it('records an event once when 20 appends race', async () => {
      const { ledger } = await makeStores();
      const { values, errors } = await settle(Array.from({ length: 20 }, () => ledger.append([aLedgerEvent()])));
      expect(errors).toEqual([]);
      expect(values.reduce((a, b) => a + b, 0)).toBe(1);
      expect(await ledger.list('default')).toHaveLength(1);
    });
  });
}
