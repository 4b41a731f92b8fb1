// node:http plumbing: reads the body, routes /__control, then for API paths applies the fault decision,
// syncs the market, enforces rate limits and signatures, runs the handler and writes (or withholds) the reply.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseLossless } from 'lossless-json';
import { authenticate } from './auth';
import type { SimulatorControl } from './control';
import type { FaultDecision } from './fault-plan';
import { tooManyRequests } from './rate-limit';
import { type Reply, rejected, serverError } from './reply';
import { resolve } from './router';
import { handleControl } from './routes-control';
import type { Venue } from './venue';

const BURST_QUOTA = { limit: 10, periodMs: 1_000, blockMs: 1_000, policy: 'ip' } as const;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

function parseBody(text: string, lossless: boolean): unknown {
  if (text.trim() === '') return undefined;
  return lossless ? parseLossless(text) : JSON.parse(text);
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, {
    'Content-Type': reply.contentType ?? 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(reply.body),
    ...reply.headers,
  });
  res.end(reply.body);
}

function apiReply(v: Venue, req: IncomingMessage, url: URL, body: unknown, decision: FaultDecision): Reply {
  const method = req.method ?? 'GET';
  const found = resolve(method, url.pathname);
  if (!('route' in found)) return found;
  v.sync();
  if (decision.before?.kind === 'status') return serverError(decision.before.status);
  if (decision.before?.kind === 'rate-limit') return tooManyRequests(BURST_QUOTA, 1);
  const limited = v.options.rateLimits === false ? undefined : v.limiter.check(found.route.id, v.serverNowMs());
  if (limited) return limited;
  if (found.route.private) {
    const refused = authenticate(req.headers, v.credentials, v.serverNowMs());
    if (refused) return refused;
  }
  return found.route.handle(v, { query: url.searchParams, body, pathParam: found.pathParam });
}

async function handle(v: Venue, control: SimulatorControl, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const text = await readBody(req);
  const isControl = url.pathname.startsWith('/__control/');
  let body: unknown;
  try {
    body = parseBody(text, !isControl);
  } catch {
    return send(res, rejected('FAILED_ORDER_PARAMETER', 1000));
  }
  if (isControl) return send(res, handleControl(control, method, url.pathname, body));
  const decision = v.faults.decide(method, url.pathname);
  if (decision.latencyMs > 0) await sleep(decision.latencyMs);
  const reply = apiReply(v, req, url, body, decision);
  if (decision.after === 'drop' || decision.after === 'destroy') return req.socket.destroy();
  if (decision.after === 'hold') await sleep(v.faults.settings.holdMs, undefined, { ref: false });
  if (!res.destroyed && !req.socket.destroyed) send(res, reply);
}

export function createSimulatorServer(v: Venue, control: SimulatorControl): Server {
  return createServer({ keepAlive: true }, (req, res) => {
    handle(v, control, req, res).catch((e: unknown) => {
      console.error('btcturk-sim: handler failed', e);
      if (!res.headersSent) send(res, serverError(500));
    });
  });
}
