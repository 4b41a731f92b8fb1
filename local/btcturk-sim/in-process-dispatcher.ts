// An undici Dispatcher that hands every request straight to the simulator's pipeline, with no sockets:
// the real gateway (signing, classification, retries, breakers, clock sync) talks to the real simulator in
// process. Faults that act on sockets become what undici raises for them: a lost answer (drop/destroy) is
// a SocketError "other side closed" after the request was processed, a held answer a HeadersTimeoutError
// after processing; latency waits for nothing (the clock is simulated).
import type { IncomingHttpHeaders } from 'node:http';
import { Dispatcher, errors } from 'undici';
import { createControl, type SimulatorControl } from './control';
import type { SimulatorOptions } from './options';
import { processRequest, type SimOutcome, type SimRequest } from './pipeline';
import type { Reply } from './reply';
import { Venue } from './venue';

/** What reached the venue, when (the venue's clock, before skew), before it was processed */
export interface ReceivedRequest {
  readonly seq: number;
  readonly method: string;
  /** Path with query */
  readonly url: string;
  readonly atMs: number;
}

export interface InProcessDispatcherOptions {
  /** Called for every request as it reaches the venue, before the fault decision and processing */
  readonly onRequest?: (r: ReceivedRequest) => void;
}

/** Both handler generations of undici 7: the controller API and the deprecated callbacks `request` uses */
class HandlerCalls {
  #aborted: Error | null = null;
  readonly #controller: Dispatcher.DispatchController;

  constructor(private readonly handler: Dispatcher.DispatchHandler) {
    const self = this;
    this.#controller = {
      get aborted() {
        return self.#aborted !== null;
      },
      get paused() {
        return false;
      },
      get reason() {
        return self.#aborted;
      },
      abort: (reason: Error) => {
        self.#aborted ??= reason;
      },
      pause: () => {},
      resume: () => {},
    };
  }

  get aborted(): boolean {
    return this.#aborted !== null;
  }

  start(): void {
    const h = this.handler;
    if (h.onRequestStart) h.onRequestStart(this.#controller, {});
    else
      h.onConnect?.((reason?: Error) => {
        this.#aborted ??= reason ?? new errors.RequestAbortedError();
      });
  }

  respond(reply: Reply): void {
    const headers: Record<string, string> = {
      'content-type': reply.contentType ?? 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(reply.body)),
    };
    for (const [k, v] of Object.entries(reply.headers ?? {})) headers[k.toLowerCase()] = v;
    const body = Buffer.from(reply.body, 'utf8');
    const h = this.handler;
    if (h.onRequestStart) {
      h.onResponseStart?.(this.#controller, reply.status, headers, '');
      if (this.aborted) return;
      if (body.length > 0) h.onResponseData?.(this.#controller, body);
      if (this.aborted) return;
      h.onResponseEnd?.(this.#controller, {});
      return;
    }
    const raw = Object.entries(headers).flatMap(([k, v]) => [Buffer.from(k, 'latin1'), Buffer.from(v, 'latin1')]);
    h.onHeaders?.(reply.status, raw, () => {}, '');
    if (this.aborted) return;
    if (body.length > 0) h.onData?.(body);
    if (this.aborted) return;
    h.onComplete?.([]);
  }

  fail(error: Error): void {
    const h = this.handler;
    if (h.onRequestStart) h.onResponseError?.(this.#controller, error);
    else h.onError?.(error);
  }

  /** An abort by the caller ends the exchange with its reason */
  failIfAborted(): boolean {
    if (this.#aborted === null) return false;
    this.fail(this.#aborted);
    return true;
  }
}

function headersOf(raw: Dispatcher.DispatchOptions['headers']): IncomingHttpHeaders {
  const out: Record<string, string> = {};
  if (raw === null || raw === undefined) return out;
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) out[String(raw[i]).toLowerCase()] = String(raw[i + 1]);
    return out;
  }
  const entries: Iterable<[string, unknown]> =
    Symbol.iterator in (raw as object) ? (raw as Iterable<[string, unknown]>) : Object.entries(raw);
  for (const [k, v] of entries) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.map(String).join(', ') : String(v);
  }
  return out;
}

function bodyOf(body: Dispatcher.DispatchOptions['body']): string {
  if (body === null || body === undefined) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  throw new TypeError('the in-process simulator takes string or buffer bodies only');
}

export class InProcessDispatcher extends Dispatcher {
  #closed = false;
  #seq = 0;

  constructor(
    readonly venue: Venue,
    readonly control: SimulatorControl,
    private readonly options: InProcessDispatcherOptions = {},
  ) {
    super();
  }

  /** Requests that reached the venue so far */
  get requests(): number {
    return this.#seq;
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const calls = new HandlerCalls(handler);
    if (this.#closed) {
      queueMicrotask(() => calls.fail(new errors.ClientClosedError()));
      return true;
    }
    let request: SimRequest;
    try {
      request = { method: opts.method, url: opts.path, headers: headersOf(opts.headers), body: bodyOf(opts.body) };
    } catch (e) {
      queueMicrotask(() => calls.fail(e as Error));
      return true;
    }
    calls.start();
    // answered on a later tick, as a socket would: concurrent callers interleave
    queueMicrotask(() => {
      this.#serve(request, calls).catch((e: unknown) => calls.fail(e as Error));
    });
    return true;
  }

  async #serve(request: SimRequest, calls: HandlerCalls): Promise<void> {
    if (calls.failIfAborted()) return;
    const seq = ++this.#seq;
    this.options.onRequest?.({
      seq,
      method: request.method,
      url: request.url,
      atMs: this.venue.clock.nowMs(),
    });
    const outcome: SimOutcome = await processRequest(this.venue, this.control, request, { wait: async () => {} });
    if (calls.failIfAborted()) return;
    if (outcome.kind === 'lost') return calls.fail(new errors.SocketError('other side closed'));
    if (outcome.kind === 'held') return calls.fail(new errors.HeadersTimeoutError());
    calls.respond(outcome.reply);
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | undefined {
    this.#closed = true;
    if (callback) {
      queueMicrotask(callback);
      return undefined;
    }
    return Promise.resolve();
  }

  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(a?: unknown, b?: unknown): Promise<void> | undefined {
    this.#closed = true;
    const callback = typeof a === 'function' ? a : typeof b === 'function' ? b : undefined;
    if (callback) {
      queueMicrotask(callback as () => void);
      return undefined;
    }
    return Promise.resolve();
  }
}

export interface InProcessSimulator {
  /** Any origin works; the gateway needs a base URL to build request paths */
  readonly baseUrl: string;
  readonly venue: Venue;
  readonly control: SimulatorControl;
  readonly dispatcher: InProcessDispatcher;
}

/** The simulator without a server: a venue, its control surface and a dispatcher the gateway can use */
export function inProcessSimulator(
  options: SimulatorOptions = {},
  dispatcherOptions: InProcessDispatcherOptions = {},
): InProcessSimulator {
  const venue = new Venue(options);
  const control = createControl(venue);
  const dispatcher = new InProcessDispatcher(venue, control, dispatcherOptions);
  return { baseUrl: 'http://btcturk-sim.invalid', venue, control, dispatcher };
}
