// The request pipeline every BTCTurk call goes through: breaker admission, token bucket, signing with a
// server-synced stamp, one HTTP exchange, classification, and the retry policy. Bodies are parsed with
// parseVenueJson and checked by the caller's zod schema; an open breaker never touches the network.
// A write (POST/DELETE) goes through the pipeline once: no retry and no re-signing ever sends it again.
// A read is refused with ExchangeRateLimitedError, without waiting, while its group is in a 429 back-off
// longer than a read may wait (the retry policy's per-delay cap) or its breaker was opened by a 429.
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import {
  ConfigError,
  ExchangeRateLimitedError,
  ExchangeRejectedError,
  ExchangeUnavailableError,
  ValidationError,
} from '../../domain/errors';
import type { Clock } from '../../ports/clock';
import { EnvelopeSchema, ServerTimeSchema } from './btcturk-schemas';
import { type BreakerOptions, type BreakerSnapshot, CircuitBreaker, DEFAULT_BREAKER } from './circuit-breaker';
import {
  type Failure,
  failureOfEnvelopeCode,
  failureOfInvalidData,
  failureOfStatus,
  failureOfTransport,
  failureOfUnparsableBody,
  type HttpMethod,
  isSuccessEnvelope,
  type RequestContext,
} from './classify-error';
import { ClockSync, type ClockSyncSnapshot, type OffsetMeasurement } from './clock-sync';
import { ENDPOINT_GROUPS, type EndpointGroup, endpointGroupOf } from './endpoint-group';
import { type HttpReply, type HttpTimeouts, sendHttp } from './http-transport';
import { type BucketBudgets, DEFAULT_BUDGETS, TokenBucketLimiter } from './rate-limiter';
import { DEFAULT_RETRY, type RetryOptions, RetryPolicy } from './retry-policy';
import { authHeaders, type Credentials, type CredentialsProvider, StampSequence } from './sign-request';
import { parseVenueJson } from './venue-json';

export interface VenueClientOptions {
  /** e.g. https://api.btcturk.com (BTCTURK_BASE_URL) */
  readonly baseUrl: string;
  /** A keep-alive Agent (createBtcturkAgent) in production, a MockAgent in tests */
  readonly dispatcher: Dispatcher;
  readonly credentials: CredentialsProvider;
  readonly clock: Clock;
  readonly timeouts: HttpTimeouts;
  readonly budgets?: BucketBudgets;
  readonly breaker?: BreakerOptions;
  readonly retry?: RetryOptions;
  /** BTCTURK_CLOCK_SYNC_INTERVAL_SECONDS x 1000, default 60 000 */
  readonly clockSyncIntervalMs?: number;
  /** Default 15 000 */
  readonly maxClockOffsetMs?: number;
}

export interface VenueCall<T> {
  readonly method: HttpMethod;
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly operation: string;
  readonly signed: boolean;
  readonly body?: Readonly<Record<string, string>>;
  /** Schema of `data` (or of the whole body when `enveloped` is false) */
  readonly data: z.ZodType<T>;
  readonly enveloped?: boolean;
}

export interface GroupHealth extends BreakerSnapshot {
  readonly last429AtMs: number | undefined;
  readonly lastRetryAfterMs: number | undefined;
}

export interface GatewayHealth {
  readonly anyBreakerOpen: boolean;
  /** 429 answers received since the gateway was built, each one a back-off (retried past or not) */
  readonly answered429: number;
  readonly groups: Readonly<Record<EndpointGroup, GroupHealth>>;
  readonly clock: ClockSyncSnapshot;
}

type Attempt<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: Failure };

export class VenueClient {
  readonly #o: VenueClientOptions;
  readonly #limiter: TokenBucketLimiter;
  readonly #retry: RetryPolicy;
  readonly #breakers: Record<EndpointGroup, CircuitBreaker>;
  readonly #last429 = new Map<EndpointGroup, { atMs: number; retryAfterMs: number | undefined }>();
  #answered429 = 0;
  readonly #stamps = new StampSequence();
  readonly #clockSync: ClockSync;
  readonly #sent = new Map<string, number>();

  constructor(options: VenueClientOptions) {
    this.#o = options;
    this.#limiter = new TokenBucketLimiter(options.clock, options.budgets ?? DEFAULT_BUDGETS);
    this.#retry = new RetryPolicy(options.retry ?? DEFAULT_RETRY);
    const breaker = () => new CircuitBreaker(options.clock, options.breaker ?? DEFAULT_BREAKER);
    this.#breakers = { market_data: breaker(), account: breaker(), orders: breaker(), default: breaker() };
    this.#clockSync = new ClockSync({
      clock: options.clock,
      refreshIntervalMs: options.clockSyncIntervalMs ?? 60_000,
      maxOffsetMs: options.maxClockOffsetMs ?? 15_000,
      fetchServerTimeMs: () => this.serverTimeMs(),
    });
  }

  /** GET /api/v2/server/time: unenveloped, unsigned */
  async serverTimeMs(): Promise<number> {
    const body = await this.call({
      method: 'GET',
      path: '/api/v2/server/time',
      operation: 'serverTime',
      signed: false,
      enveloped: false,
      data: ServerTimeSchema,
    });
    return body.serverTime;
  }

  async call<T>(call: VenueCall<T>): Promise<T> {
    const group = endpointGroupOf(call.path);
    const breaker = this.#breakers[group];
    const ctx: RequestContext = { method: call.method, path: call.path, operation: call.operation };
    const where = `${ctx.operation} (${ctx.method} ${ctx.path})`;
    const credentials = call.signed ? await this.#credentials(ctx) : undefined;
    let slept = 0;
    let resynced = false;
    for (let attempt = 1; ; attempt++) {
      const backoffMs = this.#limiter.backoffMs(group);
      if (call.method === 'GET' && backoffMs > this.#retry.maxWaitMs) {
        const detail = `${where}: expected the ${group} group out of its 429 back-off, was ${backoffMs} ms from its end`;
        throw new ExchangeRateLimitedError(detail, backoffMs);
      }
      const admission = breaker.admit();
      if (!admission.allowed) {
        const detail = `${where}: expected the ${group} breaker closed, was ${breaker.state}`;
        const Refusal = admission.rateLimited ? ExchangeRateLimitedError : ExchangeUnavailableError;
        throw new Refusal(admission.rateLimited ? `${detail} after a 429` : detail, admission.retryAfterMs);
      }
      await this.#limiter.acquire(group);
      const outcome = await this.#attempt(call, ctx, credentials);
      if (outcome.ok) {
        breaker.onSuccess();
        return outcome.value;
      }
      const { failure } = outcome;
      if (failure.health === 'failure') breaker.onFailure(failure.retryAfterMs, failure.rateLimited);
      else if (failure.health === 'answered') breaker.onSuccess();
      else breaker.release();
      if (failure.rateLimited) {
        this.#limiter.penalize(group, failure.retryAfterMs ?? this.#limiter.defaultCooldownMs(group));
        this.#last429.set(group, { atMs: this.#o.clock.nowMs(), retryAfterMs: failure.retryAfterMs });
        this.#answered429 += 1;
      }
      if (credentials !== undefined && isInvalidNonce(failure.error)) {
        // our stamps are off: re-measure the server clock before the next signed request. A GET is signed
        // and sent once more; a write stays rejected (it was refused, and a write is never sent twice)
        this.#clockSync.invalidate();
        this.#stamps.reset();
        if (call.method === 'GET' && !resynced) {
          resynced = true;
          continue;
        }
      }
      const delay = this.#retry.delayMs(failure, call.method, attempt, slept);
      if (delay === undefined) throw failure.error;
      await this.#o.clock.sleep(delay);
      slept += delay;
    }
  }

  /**
   * The measured venue clock offset (raw, not the stamp clamp) for placing lookup windows in venue time;
   * measures first when due or never measured.
   * @throws ExchangeUnavailableError when no measurement ever succeeded
   */
  async venueClock(operation: string): Promise<OffsetMeasurement> {
    const measured = await this.#clockSync.measurement();
    if (measured === undefined) {
      const was = this.#clockSync.snapshot().lastError ?? 'not measured';
      throw new ExchangeUnavailableError(`${operation}: expected a measured venue clock offset, was ${was}`);
    }
    return measured;
  }

  /** HTTP requests handed to the dispatcher so far, by `METHOD /path` (retries and clock syncs included) */
  requestsSent(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.#sent);
  }

  health(): GatewayHealth {
    const groups = Object.fromEntries(
      ENDPOINT_GROUPS.map((g) => {
        const last = this.#last429.get(g);
        return [g, { ...this.#breakers[g].snapshot(), last429AtMs: last?.atMs, lastRetryAfterMs: last?.retryAfterMs }];
      }),
    ) as Record<EndpointGroup, GroupHealth>;
    const anyBreakerOpen = ENDPOINT_GROUPS.some((g) => groups[g].state !== 'CLOSED');
    return { anyBreakerOpen, answered429: this.#answered429, groups, clock: this.#clockSync.snapshot() };
  }

  async #credentials(ctx: RequestContext): Promise<Credentials> {
    let credentials: Credentials;
    try {
      credentials = await this.#o.credentials();
    } catch (e) {
      // no credentials configured is a setup mistake, not an outage a caller may wait out
      if (e instanceof ConfigError) throw e;
      const detail = `${ctx.operation}: expected API credentials, was a provider failure`;
      throw new ExchangeUnavailableError(detail, undefined, { cause: e });
    }
    if (!credentials.apiKey || !credentials.apiSecret) {
      throw new ConfigError([
        { variable: 'BTCTURK API credentials', message: 'expected a key and a secret, was empty' },
      ]);
    }
    return credentials;
  }

  async #attempt<T>(
    call: VenueCall<T>,
    ctx: RequestContext,
    credentials: Credentials | undefined,
  ): Promise<Attempt<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (credentials !== undefined) {
      headers['content-type'] = 'application/json';
      const stamp = this.#stamps.next(credentials.apiKey, await this.#clockSync.serverNowMs());
      Object.assign(headers, authHeaders(credentials, stamp));
    }
    const query = call.query ? `?${new URLSearchParams(call.query).toString()}` : '';
    const endpoint = `${call.method} ${call.path}`;
    this.#sent.set(endpoint, (this.#sent.get(endpoint) ?? 0) + 1);
    let reply: HttpReply;
    try {
      reply = await sendHttp(this.#o.dispatcher, this.#o.baseUrl, this.#o.timeouts, {
        method: call.method,
        path: `${call.path}${query}`,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
      });
    } catch (e) {
      return { ok: false, failure: failureOfTransport(ctx, e) };
    }
    return this.#read(call, ctx, reply);
  }

  #read<T>(call: VenueCall<T>, ctx: RequestContext, reply: HttpReply): Attempt<T> {
    let parsed: unknown;
    let parseError: unknown;
    try {
      parsed = parseVenueJson(reply.text);
    } catch (e) {
      parseError = e;
    }
    const envelope = EnvelopeSchema.safeParse(parsed);
    if (reply.status < 200 || reply.status >= 300) {
      const failure = failureOfStatus(ctx, reply.status, reply.headers, envelope.data, this.#o.clock.nowMs());
      return { ok: false, failure };
    }
    if (parseError !== undefined || !envelope.success) {
      return { ok: false, failure: failureOfUnparsableBody(ctx, reply.status, parseError ?? envelope.error) };
    }
    const enveloped = call.enveloped ?? true;
    if (enveloped && !isSuccessEnvelope(ctx, envelope.data)) {
      return { ok: false, failure: failureOfEnvelopeCode(ctx, reply.status, envelope.data) };
    }
    const checked = call.data.safeParse(enveloped ? envelope.data.data : parsed);
    if (!checked.success) {
      const issues = checked.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      const invalid = new ValidationError(`btcturk ${ctx.method} ${ctx.path} response`, issues, {
        cause: checked.error,
      });
      return { ok: false, failure: failureOfInvalidData(ctx, invalid) };
    }
    return { ok: true, value: checked.data };
  }
}

const isInvalidNonce = (e: Error): boolean =>
  e instanceof ExchangeRejectedError && e.httpStatus === 401 && (e.code === 1037 || /invalid nonce/i.test(e.token));
