// The reconcile policy from its configuration knobs (names as in the knob table)
import type { ReconcilePolicy } from './reconcile-order';

export interface ReconcileSettings {
  readonly RECONCILE_NOT_PLACED_GRACE_SECONDS: number;
  readonly RECONCILE_NOT_PLACED_CHECKS: number;
  readonly RECONCILE_CANCEL_GRACE_SECONDS: number;
}

export const reconcilePolicyOf = (s: ReconcileSettings): ReconcilePolicy => ({
  notPlacedGraceMs: s.RECONCILE_NOT_PLACED_GRACE_SECONDS * 1000,
  notPlacedChecks: s.RECONCILE_NOT_PLACED_CHECKS,
  cancelGraceMs: s.RECONCILE_CANCEL_GRACE_SECONDS * 1000,
});
