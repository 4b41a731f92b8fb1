// The simulator's per-request logic, independent of any transport: routes /__control, then for API paths
// takes the fault decision, syncs the market, enforces rate limits and signatures, runs the handler and
// applies the post-processing faults. The socket server (server.ts) and the in-process undici dispatcher
// (in-process-dispatcher.ts) both call `processRequest` and differ only in how they act on the outcome.
import type { IncomingHttpHeaders } from 'node:http';
import { parse as parseLossless } from 'lossless-json';
import { authenticate } from './auth';
import type { SimulatorControl } from './control';
import type { FaultDecision, FaultReply } from './fault-plan';
import { tooManyRequests } from './rate-limit';
import { type Reply, rejected, serverError } from './reply';
import { resolve } from './router';
import { handleControl } from './routes-control';
import type { Venue } from './venue';

const BURST_QUOTA = { limit: 10, periodMs: 1_000, blockMs: 1_000, policy: 'ip' } as const;

export interface SimRequest {
  readonly method: string;
  /** Path with its query string, e.g. /api/v1/order?id=1 */
  readonly url: string;
  /** Lower-case names, as node:http presents them */
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * `reply`: answer it. `lost`: the request was processed and the connection then closed without an answer.
 * `held`: processed, and the answer comes only after `holdMs` (past any sane client timeout).
 */
export type SimOutcome =
  | { readonly kind: 'reply'; readonly reply: Reply }
  | { readonly kind: 'lost'; readonly mode: 'drop' | 'destroy' }
  | { readonly kind: 'held'; readonly reply: Reply; readonly holdMs: number };

export interface PipelineHooks {
  /** Waits the decided latency before processing: real time on sockets, nothing in process */
  readonly wait: (ms: number) => Promise<void>;
}

function parseBody(text: string, lossless: boolean): unknown {
  if (text.trim() === '') return undefined;
  return lossless ? parseLossless(text) : JSON.parse(text);
}

const faultReply = (f: FaultReply): Reply =>
  f.kind === 'status' ? serverError(f.status) : tooManyRequests(BURST_QUOTA, 1);

function apiReply(v: Venue, req: SimRequest, url: URL, body: unknown, decision: FaultDecision): Reply {
  const found = resolve(req.method, url.pathname);
  if (!('route' in found)) return found;
  v.sync();
  if (decision.before) return faultReply(decision.before);
  const limited = v.options.rateLimits === false ? undefined : v.limiter.check(found.route.id, v.serverNowMs());
  if (limited) return limited;
  let account = v.primaryAccount;
  if (found.route.private) {
    // the key names the account; a key the venue never issued is checked against the primary one and refused
    const key = req.headers['x-pck'];
    const holder = v.accountOfKey(Array.isArray(key) ? key[0] : key);
    const refused = authenticate(req.headers, holder?.credentials ?? v.credentials, v.serverNowMs());
    if (refused) return refused;
    account = holder?.name ?? account;
  }
  return found.route.handle(v, { query: url.searchParams, body, pathParam: found.pathParam, account });
}

/** One request through the simulator; never throws for a request it can answer */
export async function processRequest(
  v: Venue,
  control: SimulatorControl,
  req: SimRequest,
  hooks: PipelineHooks,
): Promise<SimOutcome> {
  const url = new URL(req.url || '/', 'http://127.0.0.1');
  const isControl = url.pathname.startsWith('/__control/');
  let body: unknown;
  try {
    body = parseBody(req.body, !isControl);
  } catch {
    return { kind: 'reply', reply: rejected('FAILED_ORDER_PARAMETER', 1000) };
  }
  if (isControl) return { kind: 'reply', reply: handleControl(control, req.method, url.pathname, body) };
  const decision = v.faults.decide(req.method, url.pathname);
  if (decision.latencyMs > 0) await hooks.wait(decision.latencyMs);
  const reply = apiReply(v, req, url, body, decision);
  if (decision.after === 'drop' || decision.after === 'destroy') return { kind: 'lost', mode: decision.after };
  if (decision.after === 'hold') return { kind: 'held', reply, holdMs: v.faults.settings.holdMs };
  if (decision.replace) return { kind: 'reply', reply: faultReply(decision.replace) };
  return { kind: 'reply', reply };
}
