import { describe, expect, it } from 'vitest';
import type { Side } from '../../../../shared/domain/exchange-rules';
import { dec } from '../../../../shared/domain/money';
import { groupReplaces, replaceRequestOf } from '../../../../shared/domain/oms/replace-groups';
import { newReplaceTransaction, replaceTxId } from '../../../../shared/domain/oms/replace-transaction';
import type { CancelAction, SubmitAction } from '../../../../shared/domain/oms/stage4-action';

const cancel = (
  clientOrderId: string,
  reason = 'replace_cancel',
  symbol = 'BTCTRY',
  side: Side = 'BUY',
): CancelAction => ({
  kind: 'CANCEL',
  symbol,
  side,
  price: dec('100'),
  qty: dec('1'),
  clientOrderId,
  reason,
});
const submit = (
  clientOrderId: string,
  reason = 'replace_submit',
  symbol = 'BTCTRY',
  side: Side = 'BUY',
): SubmitAction => ({
  kind: 'SUBMIT',
  symbol,
  side,
  price: dec('101'),
  qty: dec('2'),
  clientOrderId,
  reason,
});

describe('groupReplaces (spec 3.18)', () => {
  it('groups the replace CANCELs and SUBMIT of one (symbol, side) and leaves the rest regular, in order', () => {
    const stale = cancel('o-stale', 'stale');
    const fresh = submit('n-eth', 'new_intent', 'ETHTRY');
    const c1 = cancel('o-1');
    const c2 = cancel('o-2');
    const s = submit('n-1');
    const result = groupReplaces([stale, c1, c2, s, fresh]);
    expect(result.groups).toEqual([{ symbol: 'BTCTRY', side: 'BUY', cancels: [c1, c2], submit: s }]);
    expect(result.regular).toEqual([stale, fresh]);
    expect(result.decisions).toEqual([]);
  });

  it('keeps only the last SUBMIT of a group, coalescing the others with a decision each', () => {
    const c = cancel('o-1');
    const [s1, s2, s3] = [submit('n-1'), submit('n-2'), submit('n-3')];
    const result = groupReplaces([c, s1, s2, s3]);
    expect(result.groups).toEqual([{ symbol: 'BTCTRY', side: 'BUY', cancels: [c], submit: s3 }]);
    expect(result.regular).toEqual([]);
    expect(result.decisions).toEqual(
      [s1, s2].map((a) => ({
        layer: 'execution',
        code: 'replace_multiple_submits_coalesced',
        action: 'DROP',
        scope: 'action',
        symbol: 'BTCTRY',
        side: 'BUY',
        clientOrderId: a.clientOrderId,
      })),
    );
  });

  it('runs a group with only one half as regular actions (the kill switch or freeze dropped its SUBMIT)', () => {
    const cancelsOnly = [cancel('o-1'), cancel('o-2')];
    const submitsOnly = [
      submit('n-1', 'replace_submit', 'BTCTRY', 'SELL'),
      submit('n-2', 'replace_submit', 'BTCTRY', 'SELL'),
    ];
    const result = groupReplaces([...cancelsOnly, ...submitsOnly]);
    expect(result.groups).toEqual([]);
    expect(result.regular).toEqual([...cancelsOnly, ...submitsOnly]);
    expect(result.decisions).toEqual([]);
  });

  it('keeps groups of different symbols and sides apart', () => {
    const buy = [cancel('o-b'), submit('n-b')];
    const sell = [cancel('o-s', 'replace_cancel', 'BTCTRY', 'SELL'), submit('n-s', 'replace_submit', 'BTCTRY', 'SELL')];
    const eth = [cancel('o-e', 'replace_cancel', 'ETHTRY'), submit('n-e', 'replace_submit', 'ETHTRY')];
    const result = groupReplaces([...buy, ...sell, ...eth]);
    expect(result.groups.map((g) => [g.symbol, g.side, g.submit.clientOrderId])).toEqual([
      ['BTCTRY', 'BUY', 'n-b'],
      ['BTCTRY', 'SELL', 'n-s'],
      ['ETHTRY', 'BUY', 'n-e'],
    ]);
  });

  it('asks for the replace transaction of the group: its id from the group, the replacement as submitted', () => {
    const [group] = groupReplaces([cancel('o-2'), cancel('o-1'), submit('n-1')]).groups;
    if (group === undefined) throw new Error('expected a group');
    const request = replaceRequestOf(group, 'default', 'c-7');
    expect(request).toMatchObject({
      account: 'default',
      cycleId: 'c-7',
      newClientOrderId: 'n-1',
      oldClientOrderIds: ['o-2', 'o-1'],
    });
    expect(request.price.toFixed()).toBe('101');
    expect(request.qty.toFixed()).toBe('2');
    expect(newReplaceTransaction(request, 1).id).toBe(replaceTxId('BTCTRY', 'BUY', 'n-1', ['o-1', 'o-2']));
  });
});
