// Lease (single writer per stage+account) as one item per name. Every acquire is ONE conditional UpdateItem:
// a takeover (absent, expired, other holder) bumps `epoch`; a renewal by the same holder only moves the
// expiry. No TTL on purpose: deleting the item would restart epochs at 1 and let a stale fence match again.
import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { isPlausibleEpochMs } from '../../domain/epoch';
import type { Lease, LeaseStore } from '../../ports/state-store';
import { type Item, int, keyIssue, N, nonEmpty, parseItem, rule, S, str } from './attributes';
import { keyItem, keys } from './keys';
import { type DynamoTable, getItem, refusedItem } from './table';

const leaseSchema = z
  .object({
    pk: str,
    name: nonEmpty,
    holder: nonEmpty,
    // the first takeover stores 1; a fence of 0 or below could never have been handed out
    epoch: rule(int, (n) => n >= 1, 'an epoch >= 1'),
    // a release stores 0 ("expired"); anything else is when the holder's time runs out
    expiresAtMs: rule(int, (n) => n === 0 || isPlausibleEpochMs(n), '0 (released) or epoch milliseconds in 2010..2100'),
  })
  .superRefine(({ pk, name }, ctx) => keyIssue(ctx, 'pk', pk, keys.lease(name).pk))
  .transform(({ pk: _pk, ...lease }): Lease => lease);
/** @throws CorruptStateError the item is not a lease */
const parseLease = (item: Item): Lease => parseItem(leaseSchema, item);

type Attempt = { readonly lease: Lease } | { readonly lease?: undefined; readonly current: Lease | undefined };

export class DynamoLeaseStore implements LeaseStore {
  readonly #table: DynamoTable;
  /** Which holder this instance last acquired each lease for: tries the renewal first (still one request) */
  readonly #held = new Map<string, string>();

  constructor(client: DynamoDBClient, tableName: string) {
    this.#table = { client, tableName };
  }

  /** @throws CorruptStateError the stored lease item is malformed */
  async acquire(name: string, holder: string, ttlMs: number, nowMs: number): Promise<Lease | undefined> {
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`expected ttlMs > 0, was ${ttlMs}`);
    const expiresAtMs = nowMs + ttlMs;
    let attempt: Attempt | undefined;
    if (this.#held.get(name) === holder) attempt = await this.#renew(name, holder, expiresAtMs);
    if (!attempt?.lease) attempt = await this.#takeOver(name, holder, expiresAtMs, nowMs);
    if (!attempt.lease && attempt.current?.holder === holder) attempt = await this.#renew(name, holder, expiresAtMs);
    if (attempt.lease) this.#held.set(name, holder);
    else this.#held.delete(name);
    return attempt.lease;
  }

  /** @throws CorruptStateError the stored lease item is malformed */
  async release(lease: Lease): Promise<void> {
    this.#held.delete(lease.name);
    await this.#update(lease.name, 'SET #exp = :zero', '#holder = :holder AND #epoch = :epoch', {
      ':zero': N(0),
      ':holder': S(lease.holder),
      ':epoch': N(lease.epoch),
    });
  }

  /** @throws CorruptStateError the stored lease item is malformed */
  async read(name: string): Promise<Lease | undefined> {
    const item = await getItem(this.#table, keys.lease(name));
    return item === undefined ? undefined : parseLease(item);
  }

  #takeOver(name: string, holder: string, expiresAtMs: number, nowMs: number): Promise<Attempt> {
    return this.#update(
      name,
      'SET #name = :name, #holder = :holder, #exp = :exp, #epoch = if_not_exists(#epoch, :zero) + :one',
      'attribute_not_exists(pk) OR (#exp < :now AND #holder <> :holder)',
      {
        ':name': S(name),
        ':holder': S(holder),
        ':exp': N(expiresAtMs),
        ':now': N(nowMs),
        ':zero': N(0),
        ':one': N(1),
      },
    );
  }

  #renew(name: string, holder: string, expiresAtMs: number): Promise<Attempt> {
    return this.#update(name, 'SET #exp = :exp', '#holder = :holder', { ':holder': S(holder), ':exp': N(expiresAtMs) });
  }

  async #update(name: string, update: string, condition: string, values: Item): Promise<Attempt> {
    const names = { '#name': 'name', '#holder': 'holder', '#exp': 'expiresAtMs', '#epoch': 'epoch' };
    const used = Object.fromEntries(
      Object.entries(names).filter(([alias]) => `${update} ${condition}`.includes(alias)),
    );
    try {
      const out = await this.#table.client.send(
        new UpdateItemCommand({
          TableName: this.#table.tableName,
          Key: keyItem(keys.lease(name)),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: used,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { lease: parseLease(out.Attributes ?? {}) };
    } catch (error) {
      const { refused, item } = refusedItem(error);
      if (!refused) throw error;
      return { current: item === undefined ? undefined : parseLease(item) };
    }
  }
}
