// The DynamoDB item codec of replace transactions (its store's contract runs on moto; corrupt items are
// easiest to build here): what it writes reads back equal, and an item the protocol could not have written
// is a CorruptStateError naming its key and field.
import { describe, expect, it } from 'vitest';
import { parseReplaceTx, replaceTxItem } from '../../../../shared/adapters/dynamodb/replace-transaction-codec';
import { CorruptStateError } from '../../../../shared/domain/errors';
import { dec } from '../../../../shared/domain/money';
import { newReplaceTransaction, nextReplaceTransaction } from '../../../../shared/domain/oms/replace-transaction';

const T0 = 1_700_000_000_000;
const tx = newReplaceTransaction(
  {
    account: 'default',
    symbol: 'BTCTRY',
    side: 'SELL',
    newClientOrderId: 'bb4-BTCTRY-s-new',
    oldClientOrderIds: ['bb4-BTCTRY-s-old'],
    price: dec('0.00000001'),
    qty: dec('123456789012345678901234.5'),
    cycleId: 'c-1',
  },
  T0,
);
const failed = nextReplaceTransaction(tx, 'ABANDONED', ['superseded'], T0 + 1);

describe('replace transaction item codec', () => {
  it('round-trips open and terminal transactions; only the open one is in the open index', () => {
    const item = replaceTxItem(tx);
    expect(parseReplaceTx(item)).toEqual(tx);
    expect(item.gsi1pk?.S).toBe('ACCT#default#REPLACE#OPEN');
    const ended = replaceTxItem(failed);
    expect(parseReplaceTx(ended)).toEqual(failed);
    expect(ended.gsi1pk).toBeUndefined();
  });

  it.each([
    [
      'a terminal item still in the open index',
      { ...replaceTxItem(failed), gsi1pk: { S: 'ACCT#default#REPLACE#OPEN' } },
      'gsi1pk',
    ],
    ['an open item missing from the open index', (({ gsi1sk: _, ...rest }) => rest)(replaceTxItem(tx)), 'gsi1sk'],
    ['an id that is not its group id', { ...replaceTxItem(tx), id: { S: 'rpl:000000000000000000000000' } }, 'id'],
    ['a block without a reason', { ...replaceTxItem(tx), state: { S: 'BLOCKED_RECONCILE' } }, 'reasons'],
    ['an unknown state', { ...replaceTxItem(tx), state: { S: 'DONE' } }, 'state'],
    ['a negative price', { ...replaceTxItem(tx), price: { S: '-1' } }, 'price'],
    ['no old order', { ...replaceTxItem(tx), oldClientOrderIds: { L: [] } }, 'oldClientOrderIds'],
    ['a key of another account', { ...replaceTxItem(tx), account: { S: 'other' } }, 'pk'],
  ])('refuses %s, naming its key and the field', (_, item, field) => {
    expect(() => parseReplaceTx(item)).toThrow(CorruptStateError);
    expect(() => parseReplaceTx(item)).toThrow(`DynamoDB item ACCT#default / REPLACE#${tx.id}`);
    expect(() => parseReplaceTx(item)).toThrow(new RegExp(`\\b${field}(\\.S)?: `));
  });
});
