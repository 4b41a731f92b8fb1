// Turns a failed BTCTurk exchange into one of our error classes (STYLE.md 9) plus how to treat it.
// A write (POST/DELETE) that may have reached the venue is OutcomeUnknownError, never rejected; only a
// venue 4xx with its token is a rejection. Messages name the operation and status, never headers.
import {
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
  /** transient: a GET may try again; rate_limited: any method may, after Retry-After */
  readonly retry: 'transient' | 'rate_limited' | 'never';
  readonly retryAfterMs?: number | undefined;
  /** `failure` counts against the group's breaker; `answered` means the venue is up (a 4xx, bad data) */
  readonly health: 'failure' | 'answered';
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
/** TLS certificate and protocol failures: retrying cannot help (FUNCTIONAL_SPEC 9.1.9) */
const PERMANENT = /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|ERR_TLS_|ERR_SSL_|HPE_)/;
const TLS = /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|ERR_TLS_|ERR_SSL_)/;

const isWrite = (ctx: RequestContext): boolean => ctx.method !== 'GET';
const where = (ctx: RequestContext): string => `${ctx.operation} (${ctx.method} ${ctx.path})`;

function errorCode(err: unknown): string {
  const code = (e: unknown) => (typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : undefined);
  const cause = typeof err === 'object' && err !== null && 'cause' in err ? err.cause : undefined;
  return code(err) ?? code(cause) ?? (err instanceof Error ? err.name : 'UNKNOWN');
}

export function failureOfTransport(ctx: RequestContext, err: unknown): Failure {
  const code = errorCode(err);
  const detail = `${where(ctx)}: expected an HTTP response, was transport error ${code}`;
  const retry = PERMANENT.test(code) ? 'never' : 'transient';
  if (NOT_SENT.has(code) || TLS.test(code) || !isWrite(ctx)) {
    return { error: new ExchangeUnavailableError(detail, undefined, { cause: err }), retry, health: 'failure' };
  }
  return { error: new OutcomeUnknownError(ctx.operation, detail, { cause: err }), retry: 'never', health: 'failure' };
}

const numericCode = (code: string | null | undefined): number | undefined =>
  code && /^\d+$/.test(code) ? Number(code) : undefined;

/** Reads: any 4xx. Writes: only a venue token on 400/422, or auth/wrong-URL statuses the venue never processes */
function isRejection(ctx: RequestContext, status: number, envelope: Envelope | undefined): boolean {
  if (!isWrite(ctx)) return status >= 400 && status < 500;
  if (status === 400 || status === 422) return Boolean(envelope?.message);
  return [401, 403, 404, 405].includes(status);
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
    const error = new ExchangeUnavailableError(detail, wait);
    return { error, retry: 'rate_limited', retryAfterMs: wait, health: 'failure' };
  }
  if (isRejection(ctx, status, envelope)) {
    return { error: new ExchangeRejectedError(token, code, status, detail), retry: 'never', health: 'answered' };
  }
  if (isWrite(ctx)) return { error: new OutcomeUnknownError(ctx.operation, detail), retry: 'never', health: 'failure' };
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

/** A 2xx envelope whose code is not a success code (1037 came with success:true) */
export function failureOfEnvelopeCode(ctx: RequestContext, status: number, envelope: Envelope): Failure {
  const token = envelope.message?.trim() || 'UNKNOWN';
  const detail = `${where(ctx)}: expected code 0, was ${envelope.code ?? 'none'} ${token}`;
  if (isWrite(ctx))
    return { error: new OutcomeUnknownError(ctx.operation, detail), retry: 'never', health: 'answered' };
  const error = new ExchangeRejectedError(token, numericCode(envelope.code), status, detail);
  return { error, retry: 'never', health: 'answered' };
}

/** A success body whose data fails its schema: loud for reads, unknown outcome for writes */
export function failureOfInvalidData(ctx: RequestContext, invalid: ValidationError): Failure {
  if (!isWrite(ctx)) return { error: invalid, retry: 'never', health: 'answered' };
  const error = new OutcomeUnknownError(ctx.operation, `${where(ctx)}: ${invalid.message}`, { cause: invalid });
  return { error, retry: 'never', health: 'answered' };
}
