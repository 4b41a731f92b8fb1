// Replace transaction item codec: ReplaceTransaction <-> item under ACCT#<account> / REPLACE#<id>. A
// non-terminal transaction also carries the sparse gsi1 keys listOpen queries; a terminal one carries none.
// A stored transaction is read only if it is one the protocol could have written (replaceTransactionIssues:
// its id is its group's, old ids sorted and unique, reasons exactly when blocked or failed) with key
// attributes that are the keys its fields make (an open one missing from the index would never be resumed).
import * as z from 'zod';
import {
  REPLACE_TX_STATES,
  type ReplaceTransaction,
  replaceTransactionIssues,
  replaceTxMachine,
} from '../../domain/oms/replace-transaction';
import {
  account,
  checkedItem,
  D,
  defined,
  epochMs,
  type Item,
  keyIssue,
  literal,
  N,
  nonEmpty,
  pair,
  parseItem,
  positive,
  S,
  str,
  strList,
  version,
} from './attributes';
import { keys } from './keys';

const txSchema = z
  .object({
    pk: str,
    sk: str,
    gsi1pk: str.optional(),
    gsi1sk: str.optional(),
    account,
    id: str,
    symbol: pair,
    side: literal(['BUY', 'SELL']),
    newClientOrderId: str,
    oldClientOrderIds: strList,
    price: positive,
    qty: positive,
    state: literal(REPLACE_TX_STATES),
    reasons: strList,
    version,
    cycleId: nonEmpty,
    createdAtMs: epochMs,
    updatedAtMs: epochMs,
  })
  .superRefine(({ pk, sk, gsi1pk, gsi1sk, ...tx }, ctx) => {
    for (const issue of replaceTransactionIssues(tx)) ctx.addIssue({ code: 'custom', ...issue, path: [issue.path] });
    const key = keys.replaceTx(tx.account, tx.id);
    keyIssue(ctx, 'pk', pk, key.pk);
    keyIssue(ctx, 'sk', sk, key.sk);
    const index = openIndexKeys(tx);
    if (index !== undefined) {
      keyIssue(ctx, 'gsi1pk', gsi1pk, index.gsi1pk.S);
      keyIssue(ctx, 'gsi1sk', gsi1sk, index.gsi1sk.S);
      return;
    }
    for (const [attribute, stored] of [
      ['gsi1pk', gsi1pk],
      ['gsi1sk', gsi1sk],
    ] as const) {
      if (stored !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [attribute],
          message: `expected none in ${tx.state} (terminal), was ${JSON.stringify(stored)}`,
        });
    }
  })
  .transform(({ pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...tx }): ReplaceTransaction => tx);

/** The gsi1 keys of an open transaction; undefined for a terminal one (it leaves the index) */
function openIndexKeys(tx: ReplaceTransaction) {
  if (replaceTxMachine.isTerminal(tx.state)) return undefined;
  return {
    gsi1pk: { S: keys.replaceTxOpenIndex(tx.account) },
    gsi1sk: { S: keys.replaceTxOpenSort(tx.createdAtMs, tx.id) },
  };
}

/** @throws CorruptStateError the item is not a replace transaction */
export const parseReplaceTx = (item: Item): ReplaceTransaction => parseItem(txSchema, item);

/** @throws CorruptStateError the transaction is not one the store may hold; nothing was written */
export function replaceTxItem(tx: ReplaceTransaction): Item {
  const key = keys.replaceTx(tx.account, tx.id);
  return checkedItem(
    txSchema,
    defined({
      pk: S(key.pk),
      sk: S(key.sk),
      ...openIndexKeys(tx),
      account: S(tx.account),
      id: S(tx.id),
      symbol: S(tx.symbol),
      side: S(tx.side),
      newClientOrderId: S(tx.newClientOrderId),
      oldClientOrderIds: { L: tx.oldClientOrderIds.map(S) },
      price: D(tx.price),
      qty: D(tx.qty),
      state: S(tx.state),
      reasons: { L: tx.reasons.map(S) },
      version: N(tx.version),
      cycleId: S(tx.cycleId),
      createdAtMs: N(tx.createdAtMs),
      updatedAtMs: N(tx.updatedAtMs),
    }),
  );
}
