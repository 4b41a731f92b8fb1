// node:http plumbing: reads the body, hands the request to the shared pipeline (pipeline.ts), and acts on
// the outcome on the socket: writes the reply, destroys the socket of a lost answer, or holds it in real time.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimulatorControl } from './control';
import { processRequest } from './pipeline';
import { type Reply, serverError } from './reply';
import type { Venue } from './venue';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, {
    'Content-Type': reply.contentType ?? 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(reply.body),
    ...reply.headers,
  });
  res.end(reply.body);
}

async function handle(v: Venue, control: SimulatorControl, req: IncomingMessage, res: ServerResponse) {
  const body = await readBody(req);
  const outcome = await processRequest(
    v,
    control,
    { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body },
    { wait: (ms) => sleep(ms) },
  );
  if (outcome.kind === 'lost') return req.socket.destroy();
  if (outcome.kind === 'held') await sleep(outcome.holdMs, undefined, { ref: false });
  if (!res.destroyed && !req.socket.destroyed) send(res, outcome.reply);
}

export function createSimulatorServer(v: Venue, control: SimulatorControl): Server {
  return createServer({ keepAlive: true }, (req, res) => {
    handle(v, control, req, res).catch((e: unknown) => {
      console.error('btcturk-sim: handler failed', e);
      if (!res.headersSent) send(res, serverError(500));
    });
  });
}
