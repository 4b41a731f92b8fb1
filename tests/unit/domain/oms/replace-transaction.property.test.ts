// Properties of replace transactions over random event sequences (spec 3.18, issue 14): a terminal state is
// never left and its replay changes nothing; SUBMIT_SENT is reached only straight from CANCEL_CONFIRMED, once;
// and a cycle driving a transaction by nextReplaceStep and the confirmation rule never sends the replacement
// while an old order may still rest, nor under a freeze or the kill switch.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../../../../shared/domain/errors';
import { dec } from '../../../../shared/domain/money';
import {
  newReplaceTransaction,
  nextReplaceStep,
  nextReplaceTransaction,
  REPLACE_TX_EVENTS,
  type ReplaceTransaction,
  type ReplaceTxEvent,
  replaceTxId,
  replaceTxMachine,
} from '../../../../shared/domain/oms/replace-transaction';
import { confirmReplaceCancels } from '../../../../shared/domain/oms/replace-transaction-confirmation';
import type { JournalStatus } from '../../../../shared/domain/order-state';

const T0 = 1_700_000_000_000;
const OLD = ['bb4-BTCTRY-b-old1', 'bb4-BTCTRY-b-old2', 'bb4-BTCTRY-b-old3'];
const open = () =>
  newReplaceTransaction(
    {
      account: 'default',
      symbol: 'BTCTRY',
      side: 'BUY',
      newClientOrderId: 'bb4-BTCTRY-b-new',
      oldClientOrderIds: OLD,
      price: dec('100'),
      qty: dec('1'),
      cycleId: 'c-1',
    },
    T0,
  );

const REASONED: ReadonlySet<ReplaceTxEvent> = new Set(['FROZEN', 'CANCELS_UNCONFIRMED', 'SUBMIT_FAILED', 'ABANDONED']);

/** Applies `event` as a store would: an illegal one changes nothing */
function apply(tx: ReplaceTransaction, event: ReplaceTxEvent, nowMs: number): ReplaceTransaction {
  try {
    return nextReplaceTransaction(tx, event, REASONED.has(event) ? ['why'] : [], nowMs);
  } catch (error) {
    if (error instanceof InvalidTransitionError) return tx;
    throw error;
  }
}

describe('replace transactions under random event sequences', () => {
  it('never leave a terminal state, enter SUBMIT_SENT only from CANCEL_CONFIRMED and at most once', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...REPLACE_TX_EVENTS), { maxLength: 60 }), (events) => {
        let tx = open();
        let submits = 0;
        for (const [i, event] of events.entries()) {
          const next = apply(tx, event, T0 + i + 1);
          if (replaceTxMachine.isTerminal(tx.state)) expect(next).toBe(tx);
          if (next !== tx) {
            expect(next.version).toBe(tx.version + 1);
            if (next.state === 'SUBMIT_SENT') {
              expect(tx.state).toBe('CANCEL_CONFIRMED');
              submits += 1;
            }
            if (next.state === 'CANCEL_CONFIRMED') expect(tx.state).toBe('CANCEL_SENT');
            if (tx.state === 'SUBMIT_SENT') expect(replaceTxMachine.isTerminal(next.state)).toBe(true);
          }
          tx = next;
        }
        expect(submits).toBeLessThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });

  it('never submit the replacement while an old order rests, or under a freeze or the kill switch', () => {
    // Each round: the gates, whether the cancels settle on the venue, whether the exchange list and the
    // journal lag the venue (they may report an order open that is gone, never the reverse), and a crash
    const round = fc.record({
      freezeActive: fc.boolean(),
      killSwitchActive: fc.boolean(),
      freezeAll: fc.boolean(),
      settles: fc.subarray(OLD),
      listLags: fc.boolean(),
      journalLags: fc.boolean(),
      reconcileFails: fc.boolean(),
      crashAfterRecord: fc.boolean(),
      submitOutcome: fc.constantFrom('acked', 'rejected', 'uncertain'),
    });
    fc.assert(
      fc.property(fc.array(round, { maxLength: 30 }), (rounds) => {
        let tx = open();
        const resting = new Set(OLD);
        const cancelRequested = new Set<string>();
        let now = T0;
        for (const r of rounds) {
          for (const id of r.settles) if (cancelRequested.has(id)) resting.delete(id);
          const step = nextReplaceStep(tx.state, r);
          now += 1;
          if (step === 'block_unknown') tx = apply(tx, 'FROZEN', now);
          if (step === 'cancel') {
            tx = apply(tx, 'CANCELS_SENT', now);
            if (r.crashAfterRecord) continue;
            for (const id of resting) cancelRequested.add(id);
            const seenOpen = new Set(r.listLags ? OLD : resting);
            const localStatus = new Map<string, JournalStatus>(
              OLD.map((id) => [id, r.journalLags || resting.has(id) ? 'CANCEL_REQUESTED' : 'CANCELED']),
            );
            const verdict = confirmReplaceCancels({
              oldClientOrderIds: tx.oldClientOrderIds,
              exchangeOpenClientOrderIds: seenOpen,
              localStatus,
              ...(r.reconcileFails ? { reconcileFailure: 'timeout' } : {}),
            });
            tx = verdict.confirmed
              ? apply(tx, 'CANCELS_CONFIRMED', now)
              : nextReplaceTransaction(tx, 'CANCELS_UNCONFIRMED', verdict.reasons, now);
          }
          if (step === 'submit') {
            expect(r.freezeActive || r.killSwitchActive).toBe(false);
            expect([...resting]).toEqual([]);
            tx = apply(tx, 'SUBMIT_SENT', now);
            if (r.crashAfterRecord) continue;
            if (r.submitOutcome === 'acked') tx = apply(tx, 'SUBMIT_CONFIRMED', now);
            if (r.submitOutcome === 'rejected') tx = apply(tx, 'SUBMIT_FAILED', now);
          }
          if (tx.state === 'SUBMIT_SENT') expect([...resting]).toEqual([]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('derive one id whatever the order of the old ids, and another for another group', () => {
    const id = fc.stringMatching(/^[a-z0-9-]{1,20}$/);
    fc.assert(
      fc.property(id, fc.uniqueArray(id, { minLength: 1, maxLength: 6 }), fc.integer(), (newId, old, seed) => {
        const shuffled = [...old].sort(() => (seed % 2 === 0 ? 1 : -1));
        const a = replaceTxId('BTCTRY', 'BUY', newId, old);
        expect(replaceTxId('BTCTRY', 'BUY', newId, shuffled)).toBe(a);
        expect(replaceTxId('BTCTRY', 'BUY', newId, [...old].reverse())).toBe(a);
        // '|' is outside the ids' alphabet: the added id is never one of `old` (old[0] + 'x' could be)
        expect(replaceTxId('BTCTRY', 'BUY', newId, [...old, `${old[0]}|x`])).not.toBe(a);
        expect(replaceTxId('BTCTRY', 'SELL', newId, old)).not.toBe(a);
      }),
      { numRuns: 300 },
    );
  });
});
