// Turns a failed BTCTurk exchange into one of our error classes (STYLE.md 9) plus how to treat it.
// A write (POST/DELETE) is sent once and never judged on less than proof: it is rejected only by a venue
// rejection envelope on a 4xx, and unavailable only when a transport failure proves it was never sent;
// anything else (a 429 included) may have reached the venue and is OutcomeUnknownError. Reads keep the
// older, simpler rules; a read answered 429 is ExchangeRateLimitedError. Messages name the operation and
// status, never headers.
import {
  ExchangeRateLimitedError,
  ExchangeRejectedError,
  ExchangeUnavailableError,
  OutcomeUnknownError,
  type TradingError,
  type ValidationError,
} from '../../domain/errors';
import type { Envelope } from './btcturk-schemas';
import { type HeaderBag, retryAfterMs } from './retry-after';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface RequestContext {
  readonly method: HttpMethod;
  readonly path: string;
  /** Names the call and its ids, e.g. "placeLimitOrder BTCTRY c-1" */
  readonly operation: string;
}

export interface Failure {
  readonly error: TradingError;
  /** transient: a GET may try again; rate_limited: a GET may, after Retry-After; a write never is */
  readonly retry: 'transient' | 'rate_limited' | 'never';
  readonly retryAfterMs?: number | undefined;
  /** A 429 on any method: the group's bucket is penalized and the 429 recorded for health */
  readonly rateLimited?: boolean;
  /**
   * `failure` counts against the group's breaker; `answered` means the venue is up (a 4xx, bad data);
   * `not_contacted`: refused before sending, it says nothing about the venue
   */
  readonly health: 'failure' | 'answered' | 'not_contacted';
}

/** Failed before the request was written: the venue certainly did not process it */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/**
 * Refused by our transport (http-transport.ts) or by undici's argument checks: both happen before any
 * connection is used, so the request was not sent, and sending it again would be refused again
 */
const REFUSED_BEFORE_SENDING = new Set(['ERR_REQUEST_NOT_SENT', 'UND_ERR_INVALID_ARG']);
/** TLS certificate and protocol failures: retrying cannot help (FUNCTIONAL_SPEC 9.1.9) */
const PERMANENT = /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|ERR_TLS_|ERR_SSL_|HPE_)/;
/**
 * TLS failures of the handshake (certificate checks, handshake timeout): no request byte was written. An
 * ERR_SSL_* record error is left out on purpose: on a kept-alive connection it can come after the request.
 */
const HANDSHAKE = /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|ERR_TLS_)/;

const isWrite = (ctx: RequestContext): boolean => ctx.method !== 'GET';
const where = (ctx: RequestContext): string => `${ctx.operation} (${ctx.method} ${ctx.path})`;

function errorCode(err: unknown): string {
  const code = (e: unknown) => (typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : undefined);
  const cause = typeof err === 'object' && err !== null && 'cause' in err ? err.cause : undefined;
  return code(err) ?? code(cause) ?? (err instanceof Error ? err.name : 'UNKNOWN');
}

export function failureOfTransport(ctx: RequestContext, err: unknown): Failure {
  const code = errorCode(err);
  if (REFUSED_BEFORE_SENDING.has(code)) {
    const why = err instanceof Error ? `: ${err.message}` : '';
    const detail = `${where(ctx)}: expected a request that can be sent, was refused before sending (${code}${why})`;
    return {
      error: new ExchangeUnavailableError(detail, undefined, { cause: err }),
      retry: 'never',
      health: 'not_contacted',
    };
  }
  const detail = `${where(ctx)}: expected an HTTP response, was transport error ${code}`;
  const retry = PERMANENT.test(code) ? 'never' : 'transient';
  if (NOT_SENT.has(code) || HANDSHAKE.test(code) || !isWrite(ctx)) {
    return { error: new ExchangeUnavailableError(detail, undefined, { cause: err }), retry, health: 'failure' };
  }
  return { error: new OutcomeUnknownError(ctx.operation, detail, { cause: err }), retry: 'never', health: 'failure' };
}

const numericCode = (code: string | null | undefined): number | undefined =>
  code && /^\d+$/.test(code) ? Number(code) : undefined;

/** `0`, `"0"` and `"SUCCESS"` (BTCTURK_API 4); an absent code is judged by the caller */
export const isSuccessCodeText = (code: string): boolean => code === '0' || code.toUpperCase() === 'SUCCESS';

/**
 * The venue's refusal: a token in `message` and a failure marker, `success: false` or a code that is not a
 * success code (the 1037 Invalid Nonce body says success:true with code 1037). A proxy's empty or HTML page
 * and a success envelope are not refusals.
 */
export function isRejectionEnvelope(envelope: Envelope | undefined): boolean {
  if (!envelope?.message?.trim()) return false;
  const code = envelope.code;
  return envelope.success === false || (code !== undefined && code !== null && !isSuccessCodeText(code));
}

/**
 * A definite success of a 2xx: reads keep the lenient rule (their data schema checks them, failures are
 * decided on `code`); a write needs `success: true` and a success code or none, so `{}` from a proxy or a
 * half-written body is never taken as placed or canceled.
 */
export function isSuccessEnvelope(ctx: RequestContext, envelope: Envelope): boolean {
  const { success, code } = envelope;
  const successOk = isWrite(ctx) ? success === true : success !== false || (code !== undefined && code !== null);
  return successOk && (code === undefined || code === null || isSuccessCodeText(code));
}

/** A non-2xx status; `envelope` is the parsed body when it had one */
export function failureOfStatus(
  ctx: RequestContext,
  status: number,
  headers: HeaderBag,
  envelope: Envelope | undefined,
  nowMs: number,
): Failure {
  const token = envelope?.message?.trim() || `HTTP_${status}`;
  const code = numericCode(envelope?.code);
  const detail = `${where(ctx)}: expected HTTP 2xx, was ${status} ${token}`;
  if (status === 429) {
    const wait = retryAfterMs(headers, nowMs);
    if (isWrite(ctx)) {
      // the venue may have processed the write before limiting it: reconcile, never re-send
      const error = new OutcomeUnknownError(ctx.operation, detail);
      return { error, retry: 'never', retryAfterMs: wait, rateLimited: true, health: 'failure' };
    }
    const error = new ExchangeRateLimitedError(detail, wait);
    return { error, retry: 'rate_limited', retryAfterMs: wait, rateLimited: true, health: 'failure' };
  }
  if (isWrite(ctx)) {
    if (status >= 400 && status < 500 && isRejectionEnvelope(envelope)) {
      return { error: new ExchangeRejectedError(token, code, status, detail), retry: 'never', health: 'answered' };
    }
    const why = status >= 400 && status < 500 ? `${detail} without a venue rejection body` : detail;
    return { error: new OutcomeUnknownError(ctx.operation, why), retry: 'never', health: 'failure' };
  }
  if (status >= 400 && status < 500) {
    return { error: new ExchangeRejectedError(token, code, status, detail), retry: 'never', health: 'answered' };
  }
  const retry = status >= 500 ? 'transient' : 'never';
  return { error: new ExchangeUnavailableError(detail), retry, health: status >= 500 ? 'failure' : 'answered' };
}

/** A 2xx whose body is not JSON or not an envelope (an HTML error page, a truncated body) */
export function failureOfUnparsableBody(ctx: RequestContext, status: number, cause: unknown): Failure {
  const detail = `${where(ctx)}: expected a JSON envelope, was an unparsable ${status} body`;
  if (isWrite(ctx))
    return { error: new OutcomeUnknownError(ctx.operation, detail, { cause }), retry: 'never', health: 'failure' };
  return { error: new ExchangeUnavailableError(detail, undefined, { cause }), retry: 'transient', health: 'failure' };
}

/** A 2xx envelope that is not a success envelope (1037 came with success:true; `{}` is not a success) */
export function failureOfEnvelopeCode(ctx: RequestContext, status: number, envelope: Envelope): Failure {
  const token = envelope.message?.trim() || 'UNKNOWN';
  if (isWrite(ctx)) {
    const was = `success ${envelope.success ?? 'absent'} code ${envelope.code ?? 'absent'} ${token}`;
    const detail = `${where(ctx)}: expected a ${status} body with success true and code 0, was ${was}`;
    return { error: new OutcomeUnknownError(ctx.operation, detail), retry: 'never', health: 'answered' };
  }
  const detail = `${where(ctx)}: expected code 0, was ${envelope.code ?? 'none'} ${token}`;
  const error = new ExchangeRejectedError(token, numericCode(envelope.code), status, detail);
  return { error, retry: 'never', health: 'answered' };
}

/** A success body whose data fails its schema: loud for reads, unknown outcome for writes */
export function failureOfInvalidData(ctx: RequestContext, invalid: ValidationError): Failure {
  if (!isWrite(ctx)) return { error: invalid, retry: 'never', health: 'answered' };
  const error = new OutcomeUnknownError(ctx.operation, `${where(ctx)}: ${invalid.message}`, { cause: invalid });
  return { error, retry: 'never', health: 'answered' };
}
