// Stage 7 items are decoded once per item object and the decoded value is shared: what makes the in-memory
// store read its items without parsing them again. Sharing is safe only if no reader can change what the store
// holds, so shared values are frozen; a forgotten or refused decode is decoded again, never served stale.
import { describe, expect, it } from 'vitest';
import type { Item } from '../../../../shared/adapters/dynamodb/attributes';
import { forgetDecoded } from '../../../../shared/adapters/dynamodb/dynamodb-stage7-decoded';
import { parseStage7Run, stage7RunItem } from '../../../../shared/adapters/dynamodb/dynamodb-stage7-run-codec';
import { createMemoryStateStores } from '../../../../shared/adapters/memory/state-stores';
import { CorruptStateError } from '../../../../shared/domain/errors';
import { dec } from '../../../../shared/domain/money';
import { ACCOUNT, aRunRow, stage7World, T0 } from '../../../contract/stage7-store-builders';

describe('stage 7 decoded items', () => {
  it('decodes an item its encoder built once: the same frozen value for every reader', () => {
    const row = aRunRow('c1', T0);
    const item = stage7RunItem(ACCOUNT, row);
    const read = parseStage7Run(item);
    expect(parseStage7Run(item)).toBe(read);
    expect(read).toEqual(row);
    expect(Object.isFrozen(read) && Object.isFrozen(read.counts) && Object.isFrozen(read.alertFlags)).toBe(true);
    expect(() => {
      (read.counts as { planned: number }).planned = 99;
    }).toThrow(TypeError);
    expect(parseStage7Run(item).counts.planned).toBe(6);
  });

  it('decodes a forgotten item again into an equal value', () => {
    const item = stage7RunItem(ACCOUNT, aRunRow('c1', T0));
    const read = parseStage7Run(item);
    forgetDecoded(item);
    const again = parseStage7Run(item);
    expect(again).not.toBe(read);
    expect(again).toEqual(read);
  });

  it('remembers no refusal: a malformed item throws on every read', () => {
    const item: Item = { ...stage7RunItem(ACCOUNT, aRunRow('c1', T0)), feesTry: { S: '-1' } };
    expect(() => parseStage7Run(item)).toThrow(CorruptStateError);
    expect(() => parseStage7Run(item)).toThrow(/feesTry: expected a decimal >= 0, was -1/);
  });

  it('lets no reader of the memory store change what it holds', async () => {
    const { store, fence } = await stage7World(async () => createMemoryStateStores());
    await store.saveCycle(
      {
        account: ACCOUNT,
        cycleId: 'c1',
        oms: [],
        runMetrics: aRunRow('c1', T0),
        documents: { account: { value: { TRY: { free: dec('100'), locked: dec('0') } }, expectedVersion: 0 } },
      },
      fence,
    );
    const loaded = await store.load(ACCOUNT, fence);
    const balances = loaded.documents.account.value as Record<string, unknown>;
    expect(() => {
      balances.TRY = { free: dec('1'), locked: dec('0') };
    }).toThrow(TypeError);
    expect(() => (loaded.runMetrics as unknown[]).pop()).not.toThrow();
    const reloaded = await store.load(ACCOUNT, fence);
    expect(reloaded.documents.account.value?.TRY?.free.toFixed()).toBe('100');
    expect(reloaded.runMetrics.map((r) => r.cycleId)).toEqual(['c1']);
  });
});
