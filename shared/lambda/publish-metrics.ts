// Where an invocation's metrics are published. A cycle (meteredCycle) publishes what it recorded when it
// ends, returned or thrown, on the recorder it ran with; the reconcile batch once its records are settled.
// The middleware covers the invocation that ends while its work still runs (middy's early timeout): it
// publishes what was recorded so far. The batch and the middleware take the recorder from `deps` again; the
// deployed handler builds its deps once (lazy), so that is the recorder the work recorded on.
// A function's dependencies carry a recorder only where its composition root built one: the local runner
// and the tests build theirs without, and publish nothing.
import type middy from '@middy/core';
import type { MetricsRecorder } from '../ports/metrics';

/** A recorder that writes what it recorded since its last publish when told; publishing never throws */
export interface InvocationMetrics extends MetricsRecorder {
  publish(): void;
}

export interface Metered {
  readonly metrics?: InvocationMetrics;
}

/** `deps` throws when the function cannot be composed (a ConfigError): then nothing was recorded */
function recorderOf(deps: () => Metered): InvocationMetrics | undefined {
  try {
    return deps().metrics;
  } catch {
    return undefined;
  }
}

/** Publishes what `deps`' recorder holds, if it has one */
export const publishRecorded = (deps: () => Metered): void => recorderOf(deps)?.publish();

export const publishMetrics = (deps: () => Metered): middy.MiddlewareObj => ({
  onError: async () => publishRecorded(deps),
});
