// What can go wrong, and the named profiles `--faults <profile>` selects. Rates are per request; latency
// and holds are real time on sockets (the in-process dispatcher does not wait), clock skew shifts the server time.

export interface FaultSettings {
  /** Probability that a request is answered 5xx before it is processed */
  readonly errorRate: number;
  readonly errorStatuses: readonly number[];
  /** Probability that a request is processed and its socket then destroyed without a response */
  readonly dropRate: number;
  /** Probability that POST /api/v1/order creates the order and then fails to answer in time */
  readonly submitTimeoutRate: number;
  /** Probability that a write (POST/DELETE) is processed (order created, cancel accepted) and then answered 429 */
  readonly acceptThen429Rate: number;
  /** Probability that a write is processed and then answered with one of errorStatuses */
  readonly acceptThen5xxRate: number;
  /** `hold`: answer only after holdMs (past the client's timeout); `destroy`: close the socket */
  readonly submitTimeoutMode: 'hold' | 'destroy';
  readonly holdMs: number;
  /** Real-time delay before every answer: latencyMs plus a seeded uniform jitter in [0, latencyJitterMs) */
  readonly latencyMs: number;
  readonly latencyJitterMs: number;
  /** 429 bursts: of every `rateLimitEvery` faultable requests the first `rateLimitBurst` get 429 (0: off) */
  readonly rateLimitEvery: number;
  readonly rateLimitBurst: number;
  /** Server time = clock time + skew; stamps are judged against the skewed time */
  readonly clockSkewMs: number;
  /** Path prefixes that get faults; empty means every /api path */
  readonly paths: readonly string[];
}

export const NO_FAULTS: FaultSettings = {
  errorRate: 0,
  errorStatuses: [500, 502, 503],
  dropRate: 0,
  submitTimeoutRate: 0,
  acceptThen429Rate: 0,
  acceptThen5xxRate: 0,
  submitTimeoutMode: 'hold',
  holdMs: 30_000,
  latencyMs: 0,
  latencyJitterMs: 0,
  rateLimitEvery: 0,
  rateLimitBurst: 0,
  clockSkewMs: 0,
  paths: [],
};

export const FAULT_PROFILES: Readonly<Record<string, Partial<FaultSettings>>> = {
  none: {},
  flaky: { errorRate: 0.1, latencyMs: 5, latencyJitterMs: 100 },
  'lost-responses': { dropRate: 0.1, submitTimeoutRate: 0.3, submitTimeoutMode: 'destroy' },
  'rate-limited': { rateLimitEvery: 10, rateLimitBurst: 3 },
  'clock-skew': { clockSkewMs: 7_000 },
  'accept-then-fail': { acceptThen429Rate: 0.1, acceptThen5xxRate: 0.1 },
  slow: { latencyMs: 200, latencyJitterMs: 800 },
};

export function profileSettings(name: string): FaultSettings {
  const profile = FAULT_PROFILES[name];
  if (!profile) throw new RangeError(`unknown fault profile ${name}, expected one of ${Object.keys(FAULT_PROFILES)}`);
  return { ...NO_FAULTS, ...profile };
}
