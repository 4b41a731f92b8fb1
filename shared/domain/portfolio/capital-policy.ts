// The self-financing capital policy (spec 3.11 with the 9.3.21 fix). Each ledger checkpoint moves the
// realized PnL total: a gain is split 60 % to trading capital, 40 % to treasury; a loss is deducted from
// trading capital in full, treasury untouched (the reference refused every later cycle after the first
// loss instead). Ready for stage 4: nothing calls it yet except its tests.
import { CapitalPolicyError } from '../errors';
import { type Dec, dec, floorToStep, toPlain, ZERO } from '../money';

export interface CapitalPolicyState {
  readonly tradingCapitalTry: Dec;
  readonly treasuryTry: Dec;
  readonly lastRealizedTotalTry: Dec;
  readonly lastEventCount: number;
  readonly lastCheckpointId: string;
}

/** A point of the ledger: its id (e.g. the last event key), how many events it holds, its realized total */
export interface CapitalCheckpoint {
  readonly checkpointId: string;
  readonly eventCount: number;
  readonly realizedTotalTry: Dec;
}

export type CapitalDecision =
  | 'capital_apply:seeded'
  | 'capital_apply:gain_split'
  | 'capital_apply:loss_deducted'
  | 'capital_apply:restamped'
  | 'capital_apply:checkpoint_already_applied';

export interface CapitalOutcome {
  readonly state: CapitalPolicyState;
  readonly decision: CapitalDecision;
}

const TREASURY_SHARE = dec('0.4');
/** Treasury takes its share in whole kuruş, rounded down; trading capital the rest: no fraction is lost */
const TRY_STEP = dec('0.01');

/**
 * Moves capital and treasury to `checkpoint`. The first run seeds trading capital with the current TRY
 * cash and takes the checkpoint as its baseline: the cash already holds every PnL realized so far, so
 * splitting that PnL again would count it twice.
 * @throws CapitalPolicyError `capital_error:non_monotonic_checkpoint` the ledger holds fewer events than
 *   the last checkpoint; `capital_policy_block:event_count_same_realized_mismatch` the same events give
 *   another realized total; `capital_error:negative_capital` capital or treasury would go below 0
 */
export function applyCapitalCheckpoint(
  state: CapitalPolicyState | undefined,
  checkpoint: CapitalCheckpoint,
  cashTry: Dec,
): CapitalOutcome {
  if (state === undefined) {
    const seeded = {
      tradingCapitalTry: cashTry,
      treasuryTry: ZERO,
      lastRealizedTotalTry: checkpoint.realizedTotalTry,
      lastEventCount: checkpoint.eventCount,
      lastCheckpointId: checkpoint.checkpointId,
    };
    return { state: nonNegative(seeded), decision: 'capital_apply:seeded' };
  }
  if (checkpoint.eventCount < state.lastEventCount) {
    throw new CapitalPolicyError(
      'capital_error:non_monotonic_checkpoint',
      `expected an event count >= ${state.lastEventCount}, was ${checkpoint.eventCount}`,
    );
  }
  const delta = checkpoint.realizedTotalTry.sub(state.lastRealizedTotalTry);
  if (checkpoint.eventCount === state.lastEventCount) {
    if (delta.isZero()) return { state, decision: 'capital_apply:checkpoint_already_applied' };
    throw new CapitalPolicyError(
      'capital_policy_block:event_count_same_realized_mismatch',
      `${checkpoint.eventCount} events: expected realized total ${toPlain(state.lastRealizedTotalTry)}, was ${toPlain(checkpoint.realizedTotalTry)}`,
    );
  }
  const stamped = {
    lastRealizedTotalTry: checkpoint.realizedTotalTry,
    lastEventCount: checkpoint.eventCount,
    lastCheckpointId: checkpoint.checkpointId,
  };
  if (delta.gt(0)) {
    const toTreasury = floorToStep(delta.mul(TREASURY_SHARE), TRY_STEP);
    const next = {
      ...stamped,
      tradingCapitalTry: state.tradingCapitalTry.add(delta.sub(toTreasury)),
      treasuryTry: state.treasuryTry.add(toTreasury),
    };
    return { state: nonNegative(next), decision: 'capital_apply:gain_split' };
  }
  const next = { ...state, ...stamped, tradingCapitalTry: state.tradingCapitalTry.add(delta) };
  return {
    state: nonNegative(next),
    decision: delta.isZero() ? 'capital_apply:restamped' : 'capital_apply:loss_deducted',
  };
}

function nonNegative(state: CapitalPolicyState): CapitalPolicyState {
  if (state.tradingCapitalTry.lt(0) || state.treasuryTry.lt(0)) {
    throw new CapitalPolicyError(
      'capital_error:negative_capital',
      `expected capital and treasury >= 0, was ${toPlain(state.tradingCapitalTry)} / ${toPlain(state.treasuryTry)}`,
    );
  }
  return state;
}
