// HTTP face of the control surface under /__control (never faulted, rate limited or signed):
// GET state, POST faults (profile + overrides), POST faults/next (one-shot), POST advance, POST balances,
// POST orders (an order by someone else), POST vanish (the venue stops listing an order).
import { z } from 'zod';
import type { SimulatorControl } from './control';
import { json, notFound, type Reply } from './reply';

const FaultsBody = z
  .object({
    profile: z.string().optional(),
    errorRate: z.number().min(0).max(1).optional(),
    errorStatuses: z.array(z.number().int().min(500).max(599)).optional(),
    dropRate: z.number().min(0).max(1).optional(),
    submitTimeoutRate: z.number().min(0).max(1).optional(),
    acceptThen429Rate: z.number().min(0).max(1).optional(),
    acceptThen5xxRate: z.number().min(0).max(1).optional(),
    submitTimeoutMode: z.enum(['hold', 'destroy']).optional(),
    holdMs: z.number().int().min(0).optional(),
    latencyMs: z.number().int().min(0).optional(),
    latencyJitterMs: z.number().int().min(0).optional(),
    rateLimitEvery: z.number().int().min(0).optional(),
    rateLimitBurst: z.number().int().min(0).optional(),
    clockSkewMs: z.number().int().optional(),
    paths: z.array(z.string()).optional(),
  })
  .strict();

const Target = { method: z.string().optional(), path: z.string().optional() };
const OneShotBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('status'), status: z.number().int().min(400).max(599), ...Target }).strict(),
  z.object({ kind: z.literal('drop'), ...Target }).strict(),
  z
    .object({ kind: z.literal('timeout-after-create'), mode: z.enum(['hold', 'destroy']).optional(), ...Target })
    .strict(),
  z.object({ kind: z.literal('rate-limit'), ...Target }).strict(),
  z.object({ kind: z.literal('latency'), ms: z.number().int().min(0), ...Target }).strict(),
  z.object({ kind: z.literal('accept-then-429'), ...Target }).strict(),
  z
    .object({ kind: z.literal('accept-then-5xx'), status: z.number().int().min(500).max(599).optional(), ...Target })
    .strict(),
]);

const AdvanceBody = z.object({ ms: z.number().int().min(0) }).strict();
const BalancesBody = z.record(z.string(), z.string().regex(/^\d+(\.\d+)?$/));
const Amount = z.string().regex(/^\d+(\.\d+)?$/);
const OrderBody = z
  .object({
    symbol: z.string(),
    side: z.enum(['buy', 'sell']),
    price: Amount,
    quantity: Amount,
    clientId: z.string().min(1).max(50),
  })
  .strict();
const VanishBody = z.object({ orderId: z.number().int().positive() }).strict();

function run(action: () => unknown): Reply {
  try {
    return json(200, { ok: true, result: JSON.parse(JSON.stringify(action() ?? null)) });
  } catch (e) {
    return json(400, { ok: false, error: e instanceof Error ? e.message : String(e) });
  }
}

export function handleControl(control: SimulatorControl, method: string, path: string, body: unknown): Reply {
  const route = `${method} ${path}`;
  switch (route) {
    case 'GET /__control/state':
      return run(() => control.state());
    case 'POST /__control/faults':
      return run(() => control.setFaults(FaultsBody.parse(body ?? {})));
    case 'POST /__control/faults/next':
      return run(() => control.injectNext(OneShotBody.parse(body)));
    case 'POST /__control/advance':
      return run(() => control.advanceMarket(AdvanceBody.parse(body).ms));
    case 'POST /__control/balances':
      return run(() => {
        for (const [asset, total] of Object.entries(BalancesBody.parse(body))) control.setBalance(asset, total);
      });
    case 'POST /__control/orders':
      return run(() => ({ orderId: control.placeOrder(OrderBody.parse(body)) }));
    case 'POST /__control/vanish':
      return run(() => ({ vanished: control.vanishOrder(VanishBody.parse(body).orderId) }));
    default:
      return notFound();
  }
}
