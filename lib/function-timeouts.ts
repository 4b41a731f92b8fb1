// Function timeouts shared by both stacks: the reconcile queue's visibility timeout is derived from the
// reconcile timeout, and the cycle must finish well inside the single-writer lease (LEASE_TTL_SECONDS 180).
import { Duration } from 'aws-cdk-lib';

export const STAGE3_CYCLE_TIMEOUT = Duration.seconds(120);
export const STAGE4_CYCLE_TIMEOUT = Duration.seconds(120);
/** Stage 7 reads public market data and its state, simulates and writes once: the same bound as a trading cycle */
export const STAGE7_CYCLE_TIMEOUT = Duration.seconds(120);
/** Each cycle function is told its own timeout; readContext checks LEASE_TTL_SECONDS against the longest */
export const LONGEST_CYCLE_TIMEOUT = Duration.seconds(
  Math.max(...[STAGE3_CYCLE_TIMEOUT, STAGE4_CYCLE_TIMEOUT, STAGE7_CYCLE_TIMEOUT].map((t) => t.toSeconds())),
);
export const RECONCILE_TIMEOUT = Duration.seconds(60);
/** AWS guidance for SQS event sources: visibility timeout at least 6x the function timeout */
export const RECONCILE_VISIBILITY_TIMEOUT = Duration.seconds(RECONCILE_TIMEOUT.toSeconds() * 6);
