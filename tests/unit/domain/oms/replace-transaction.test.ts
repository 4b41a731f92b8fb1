import { describe, expect, it } from 'vitest';
import { CorruptStateError, InvalidTransitionError } from '../../../../shared/domain/errors';
import { sha256Hex } from '../../../../shared/domain/hashing';
import { dec } from '../../../../shared/domain/money';
import {
  type NewReplaceTransaction,
  newReplaceTransaction,
  nextReplaceStep,
  nextReplaceTransaction,
  REPLACE_TX_EVENTS,
  REPLACE_TX_STATES,
  type ReplaceGates,
  type ReplaceTxEvent,
  type ReplaceTxState,
  replaceTransactionIssues,
  replaceTxId,
  replaceTxMachine,
  replaceTxMetadataMismatch,
} from '../../../../shared/domain/oms/replace-transaction';

const T0 = 1_700_000_000_000;
const request = (overrides: Partial<NewReplaceTransaction> = {}): NewReplaceTransaction => ({
  account: 'default',
  symbol: 'BTCTRY',
  side: 'BUY',
  newClientOrderId: 'bb4-BTCTRY-b-new',
  oldClientOrderIds: ['bb4-BTCTRY-b-old2', 'bb4-BTCTRY-b-old1'],
  price: dec('100.5'),
  qty: dec('0.25'),
  cycleId: 'c-1',
  ...overrides,
});

describe('replace transaction state machine (spec 3.18)', () => {
  const edges = REPLACE_TX_STATES.flatMap((from) =>
    REPLACE_TX_EVENTS.filter((e) => replaceTxMachine.can(from, e)).map(
      (e): [ReplaceTxState, ReplaceTxEvent, ReplaceTxState] => [from, e, replaceTxMachine.next(from, e)],
    ),
  );

  it('has exactly these transitions', () => {
    expect(edges).toEqual([
      ['INIT', 'CANCELS_SENT', 'CANCEL_SENT'],
      ['INIT', 'FROZEN', 'BLOCKED_UNKNOWN'],
      ['INIT', 'ABANDONED', 'FAILED'],
      ['CANCEL_SENT', 'CANCELS_SENT', 'CANCEL_SENT'],
      ['CANCEL_SENT', 'CANCELS_CONFIRMED', 'CANCEL_CONFIRMED'],
      ['CANCEL_SENT', 'CANCELS_UNCONFIRMED', 'BLOCKED_RECONCILE'],
      ['CANCEL_SENT', 'FROZEN', 'BLOCKED_UNKNOWN'],
      ['CANCEL_SENT', 'ABANDONED', 'FAILED'],
      ['CANCEL_CONFIRMED', 'FROZEN', 'BLOCKED_UNKNOWN'],
      ['CANCEL_CONFIRMED', 'SUBMIT_SENT', 'SUBMIT_SENT'],
      ['CANCEL_CONFIRMED', 'ABANDONED', 'FAILED'],
      ['SUBMIT_SENT', 'SUBMIT_CONFIRMED', 'SUBMIT_CONFIRMED'],
      ['SUBMIT_SENT', 'SUBMIT_FAILED', 'FAILED'],
      ['BLOCKED_UNKNOWN', 'CANCELS_SENT', 'CANCEL_SENT'],
      ['BLOCKED_UNKNOWN', 'ABANDONED', 'FAILED'],
      ['BLOCKED_RECONCILE', 'CANCELS_SENT', 'CANCEL_SENT'],
      ['BLOCKED_RECONCILE', 'FROZEN', 'BLOCKED_UNKNOWN'],
      ['BLOCKED_RECONCILE', 'ABANDONED', 'FAILED'],
    ]);
  });

  it('enters SUBMIT_SENT only from CANCEL_CONFIRMED, and CANCEL_CONFIRMED only from CANCEL_SENT', () => {
    expect(edges.filter(([, , to]) => to === 'SUBMIT_SENT').map(([from]) => from)).toEqual(['CANCEL_CONFIRMED']);
    expect(edges.filter(([, , to]) => to === 'CANCEL_CONFIRMED').map(([from]) => from)).toEqual(['CANCEL_SENT']);
  });

  it('has SUBMIT_CONFIRMED and FAILED as its only terminal states, and SUBMIT_SENT leads only to them', () => {
    expect(REPLACE_TX_STATES.filter((s) => replaceTxMachine.isTerminal(s))).toEqual(['SUBMIT_CONFIRMED', 'FAILED']);
    expect(edges.filter(([from]) => from === 'SUBMIT_SENT').every(([, , to]) => replaceTxMachine.isTerminal(to))).toBe(
      true,
    );
  });

  it('throws a typed error naming the transaction on an illegal transition', () => {
    expect(() => replaceTxMachine.next('INIT', 'SUBMIT_SENT', 'rpl:abc')).toThrow(
      new InvalidTransitionError('replace transaction', 'INIT', 'SUBMIT_SENT', 'rpl:abc'),
    );
  });
});

describe('replace transaction id', () => {
  it('is rpl: and the first 24 hex digits of sha256 over symbol|side|new|sorted old ids', () => {
    const id = replaceTxId('BTCTRY', 'BUY', 'n', ['b', 'a']);
    expect(id).toBe(`rpl:${sha256Hex('BTCTRY|BUY|n|a|b').slice(0, 24)}`);
    expect(id).toMatch(/^rpl:[0-9a-f]{24}$/);
    expect(replaceTxId('BTCTRY', 'BUY', 'n', ['a', 'b', 'a'])).toBe(id);
    expect(replaceTxId('BTCTRY', 'SELL', 'n', ['a', 'b'])).not.toBe(id);
    expect(replaceTxId('BTCTRY', 'BUY', 'a', ['n', 'b'])).not.toBe(id);
  });
});

describe('newReplaceTransaction and its soundness', () => {
  it('opens INIT at version 1 with the old ids sorted and unique, and no issue', () => {
    const tx = newReplaceTransaction(request({ oldClientOrderIds: ['z', 'y', 'z'] }), T0);
    expect(tx).toMatchObject({
      id: replaceTxId('BTCTRY', 'BUY', 'bb4-BTCTRY-b-new', ['y', 'z']),
      oldClientOrderIds: ['y', 'z'],
      state: 'INIT',
      reasons: [],
      version: 1,
      createdAtMs: T0,
      updatedAtMs: T0,
    });
    expect(replaceTransactionIssues(tx)).toEqual([]);
  });

  it.each([
    [{ symbol: 'btc_try' }, 'symbol'],
    [{ oldClientOrderIds: [] }, 'oldClientOrderIds'],
    [{ newClientOrderId: 'a|b' }, 'newClientOrderId'],
    [{ newClientOrderId: 'x'.repeat(51) }, 'newClientOrderId'],
    [{ oldClientOrderIds: ['bb4-BTCTRY-b-new'] }, 'newClientOrderId'],
    [{ price: dec('0') }, 'price'],
    [{ qty: dec('-1') }, 'qty'],
    [{ cycleId: '' }, 'cycleId'],
  ] as const)('names the field of an unsound request %o', (overrides, path) => {
    const issues = replaceTransactionIssues(newReplaceTransaction(request(overrides), T0));
    expect(issues.map((i) => i.path)).toContain(path);
  });

  it('refuses an id that is not its group id, and old ids out of order', () => {
    const tx = newReplaceTransaction(request(), T0);
    expect(replaceTransactionIssues({ ...tx, id: 'rpl:000000000000000000000000' })[0]?.path).toBe('id');
    const unsorted = { ...tx, oldClientOrderIds: [...tx.oldClientOrderIds].reverse() };
    expect(replaceTransactionIssues(unsorted).map((i) => i.path)).toContain('oldClientOrderIds');
  });

  it('tells a mismatching group apart from the same group asked again', () => {
    const tx = newReplaceTransaction(request(), T0);
    expect(
      replaceTxMetadataMismatch(tx, request({ cycleId: 'c-2', oldClientOrderIds: [...tx.oldClientOrderIds] })),
    ).toBe(false);
    expect(replaceTxMetadataMismatch(tx, request({ price: dec('100.50') }))).toBe(false);
    for (const changed of [
      { qty: dec('0.26') },
      { price: dec('100.6') },
      { account: 'other' },
      { oldClientOrderIds: ['bb4-BTCTRY-b-old1'] },
    ])
      expect(replaceTxMetadataMismatch(tx, request(changed))).toBe(true);
  });
});

describe('nextReplaceTransaction', () => {
  const init = newReplaceTransaction(request(), T0);

  it('moves one version on and records the reasons of a block', () => {
    const sent = nextReplaceTransaction(init, 'CANCELS_SENT', [], T0 + 1);
    const blocked = nextReplaceTransaction(sent, 'CANCELS_UNCONFIRMED', ['reconcile_failed:timeout'], T0 + 2);
    expect(blocked).toMatchObject({ state: 'BLOCKED_RECONCILE', reasons: ['reconcile_failed:timeout'], version: 3 });
    expect(nextReplaceTransaction(blocked, 'CANCELS_SENT', [], T0 + 3)).toMatchObject({ reasons: [], version: 4 });
  });

  it('returns a terminal transaction itself for every event (a replay is a no-op)', () => {
    const failed = nextReplaceTransaction(init, 'ABANDONED', ['superseded'], T0 + 1);
    for (const event of REPLACE_TX_EVENTS) expect(nextReplaceTransaction(failed, event, [], T0 + 2)).toBe(failed);
  });

  it('refuses a block without a reason and a reason without a block', () => {
    expect(() => nextReplaceTransaction(init, 'FROZEN', [], T0 + 1)).toThrow(CorruptStateError);
    expect(() => nextReplaceTransaction(init, 'CANCELS_SENT', ['why'], T0 + 1)).toThrow(
      /reasons: expected no reason in CANCEL_SENT/,
    );
  });
});

describe('nextReplaceStep: what a cycle does with a stored transaction', () => {
  const open: ReplaceGates = { freezeActive: false, killSwitchActive: false, freezeAll: false };
  const frozen: ReplaceGates = { ...open, freezeActive: true };
  const killed: ReplaceGates = { ...open, killSwitchActive: true };
  const killedAll: ReplaceGates = { ...killed, freezeAll: true };
  const cases: [ReplaceTxState, ReplaceGates, string][] = [
    ['INIT', open, 'cancel'],
    ['CANCEL_SENT', open, 'cancel'],
    ['BLOCKED_RECONCILE', open, 'cancel'],
    ['BLOCKED_UNKNOWN', open, 'cancel'],
    ['CANCEL_CONFIRMED', open, 'submit'],
    ['SUBMIT_SENT', open, 'await_submit'],
    ['SUBMIT_CONFIRMED', open, 'none'],
    ['FAILED', frozen, 'none'],
    ['INIT', frozen, 'block_unknown'],
    ['CANCEL_CONFIRMED', frozen, 'block_unknown'],
    ['BLOCKED_UNKNOWN', frozen, 'hold'],
    ['SUBMIT_SENT', frozen, 'await_submit'],
    ['INIT', killed, 'cancel'],
    ['CANCEL_CONFIRMED', killed, 'hold'],
    ['INIT', killedAll, 'hold'],
    ['CANCEL_SENT', killedAll, 'hold'],
  ];
  it.each(cases)('%s under %o: %s', (state, gates, step) => {
    expect(nextReplaceStep(state, gates)).toBe(step);
  });
});
