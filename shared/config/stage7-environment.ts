// Spec 4.1: stage 7 runs on a copy of the settings with dry_run = true. The one rule for every place that builds
// its environment (the CDK stack's Stage7CycleFunction, `btcbot invoke stage7-cycle`, the local runner): the
// live-arming knobs are dropped under any casing, and DRY_RUN and STAGE7_ENABLED are true, so a deployment armed
// for stage 3 or 4 still runs stage 7 as a simulation (kept, LIVE_TRADING=true would also fail its configuration:
// the loader refuses STAGE7_ENABLED beside live trading). The other arming inputs stay: without LIVE_TRADING they
// arm nothing. The cycle still refuses an environment armed by hand (cycle-preconditions.ts).

/** Knobs that arm live trading (shared/domain/arming.ts), which the stage 7 function never gets */
export const LIVE_ARMING_KNOBS: readonly string[] = ['LIVE_TRADING', 'LIVE_TRADING_ACK'];
const OVERRIDDEN = new Set([...LIVE_ARMING_KNOBS, 'DRY_RUN', 'STAGE7_ENABLED']);

export function stage7Environment<V extends string | undefined>(
  env: Readonly<Record<string, V>>,
): Record<string, V | 'true'> {
  const kept = Object.entries(env).filter(([name]) => !OVERRIDDEN.has(name.toUpperCase()));
  return { ...Object.fromEntries(kept), DRY_RUN: 'true', STAGE7_ENABLED: 'true' };
}
