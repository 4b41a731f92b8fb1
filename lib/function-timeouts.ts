// Function timeouts shared by both stacks: the reconcile queue's visibility timeout is derived from the
// reconcile timeout, and the cycle must finish well inside the single-writer lease (LEASE_TTL_SECONDS 180).
import { Duration } from 'aws-cdk-lib';

export const STAGE3_CYCLE_TIMEOUT = Duration.seconds(120);
export const STAGE4_CYCLE_TIMEOUT = Duration.seconds(120);
export const RECONCILE_TIMEOUT = Duration.seconds(60);
/** AWS guidance for SQS event sources: visibility timeout at least 6x the function timeout */
export const RECONCILE_VISIBILITY_TIMEOUT = Duration.seconds(RECONCILE_TIMEOUT.toSeconds() * 6);
