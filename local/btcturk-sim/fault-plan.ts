// Decides, per request and deterministically for a seed, which fault applies: one-shot faults queued by a
// test come first, then the seeded rates of the current settings. Each request draws the same amount of
// randomness, so the n-th request always gets the same decision for a given seed and settings. The
// accept-then-fail draws come from a second stream, so adding them left the older sequences unchanged.
import { createPrng, type Prng } from '../market/prng';
import { type FaultSettings, NO_FAULTS } from './fault-settings';

export type OneShotFault =
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'drop' }
  | { readonly kind: 'timeout-after-create'; readonly mode?: 'hold' | 'destroy' }
  | { readonly kind: 'rate-limit' }
  | { readonly kind: 'latency'; readonly ms: number }
  /** The request is processed (an order created, a cancel accepted), then answered 429 */
  | { readonly kind: 'accept-then-429' }
  /** The request is processed, then answered with a 5xx (default 503) */
  | { readonly kind: 'accept-then-5xx'; readonly status?: number };

export interface FaultTarget {
  /** Matches when absent; otherwise the request method, upper case */
  readonly method?: string;
  /** Matches when absent; otherwise a path prefix */
  readonly path?: string;
}

export type QueuedFault = OneShotFault & FaultTarget;

export type FaultReply = { readonly kind: 'status'; readonly status: number } | { readonly kind: 'rate-limit' };

export interface FaultDecision {
  /** Answered instead of processing the request */
  readonly before?: FaultReply;
  readonly latencyMs: number;
  /** Processed, then the answer is lost (socket closed) or held past the client's timeout */
  readonly after?: 'drop' | 'hold' | 'destroy';
  /** Processed, then answered with this instead of the real reply */
  readonly replace?: FaultReply;
}

const isSubmit = (method: string, path: string) => method === 'POST' && path === '/api/v1/order';
const isWrite = (method: string) => method !== 'GET' && method !== 'HEAD';

export class FaultPlan {
  #settings: FaultSettings = NO_FAULTS;
  #rng: Prng;
  #acceptRng: Prng;
  #generation = 0;
  #counter = 0;
  readonly #queue: QueuedFault[] = [];

  constructor(private readonly seed: number | string) {
    this.#rng = createPrng(seed, 'faults/0');
    this.#acceptRng = createPrng(seed, 'faults-accept/0');
  }

  get settings(): FaultSettings {
    return this.#settings;
  }

  /** Replaces the settings and restarts the seeded stream, so a run replays from this point */
  set(settings: FaultSettings): void {
    this.#settings = settings;
    this.#generation += 1;
    this.#counter = 0;
    this.#rng = createPrng(this.seed, `faults/${this.#generation}`);
    this.#acceptRng = createPrng(this.seed, `faults-accept/${this.#generation}`);
  }

  enqueue(fault: QueuedFault): void {
    this.#queue.push(fault);
  }

  get queued(): readonly QueuedFault[] {
    return this.#queue;
  }

  decide(method: string, path: string): FaultDecision {
    const queuedAt = this.#queue.findIndex(
      (f) => (!f.method || f.method === method) && (!f.path || path.startsWith(f.path)),
    );
    if (queuedAt >= 0) {
      const [f] = this.#queue.splice(queuedAt, 1);
      if (f) return fromOneShot(f, this.#settings);
    }
    const s = this.#settings;
    if (s.paths.length > 0 && !s.paths.some((p) => path.startsWith(p))) return { latencyMs: 0 };
    const [error, status, drop, timeout, jitter] = [0, 0, 0, 0, 0].map(() => this.#rng.next()) as number[];
    const [then429, then5xx, thenStatus] = [0, 0, 0].map(() => this.#acceptRng.next()) as number[];
    const n = this.#counter++;
    const latencyMs = s.latencyMs + Math.floor((jitter ?? 0) * s.latencyJitterMs);
    if (s.rateLimitEvery > 0 && n % s.rateLimitEvery < s.rateLimitBurst) {
      return { before: { kind: 'rate-limit' }, latencyMs };
    }
    if ((error ?? 1) < s.errorRate) {
      const pick = s.errorStatuses[Math.floor((status ?? 0) * s.errorStatuses.length)] ?? 503;
      return { before: { kind: 'status', status: pick }, latencyMs };
    }
    if (isSubmit(method, path) && (timeout ?? 1) < s.submitTimeoutRate) {
      return { latencyMs, after: s.submitTimeoutMode };
    }
    if ((drop ?? 1) < s.dropRate) return { latencyMs, after: 'drop' };
    if (isWrite(method) && (then429 ?? 1) < s.acceptThen429Rate) return { latencyMs, replace: { kind: 'rate-limit' } };
    if (isWrite(method) && (then5xx ?? 1) < s.acceptThen5xxRate) {
      const pick = s.errorStatuses[Math.floor((thenStatus ?? 0) * s.errorStatuses.length)] ?? 503;
      return { latencyMs, replace: { kind: 'status', status: pick } };
    }
    return { latencyMs };
  }
}

function fromOneShot(f: OneShotFault, s: FaultSettings): FaultDecision {
  switch (f.kind) {
    case 'status':
      return { before: { kind: 'status', status: f.status }, latencyMs: 0 };
    case 'rate-limit':
      return { before: { kind: 'rate-limit' }, latencyMs: 0 };
    case 'drop':
      return { latencyMs: 0, after: 'drop' };
    case 'timeout-after-create':
      return { latencyMs: 0, after: f.mode ?? s.submitTimeoutMode };
    case 'latency':
      return { latencyMs: f.ms };
    case 'accept-then-429':
      return { latencyMs: 0, replace: { kind: 'rate-limit' } };
    case 'accept-then-5xx':
      return { latencyMs: 0, replace: { kind: 'status', status: f.status ?? 503 } };
  }
}
