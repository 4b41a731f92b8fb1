// Recovery of a submit whose outcome is unknown (BTCTURK_API 8.2): openOrders, then allOrders from
// submittedAtMs - 10 s, then user trades, matching the client order id. Stops at the first hit, so a
// found order costs no further calls; `found: false` is evidence for this one look only. Times here are
// local clock times: the gateway's allOrders and userTrades place the window in the venue's time.
import type { ClientIdLookup, Exchange } from '../../ports/exchange';

/** Orders and fills can carry an update time slightly before our own submit time */
export const LOOKBACK_MS = 10_000;

type Lookups = Pick<Exchange, 'openOrders' | 'allOrders' | 'userTrades'>;

export async function findOrderByClientId(
  venue: Lookups,
  symbol: string,
  clientOrderId: string,
  submittedAtMs: number,
): Promise<ClientIdLookup> {
  const open = (await venue.openOrders(symbol)).find((o) => o.clientOrderId === clientOrderId);
  if (open) return { found: true, source: 'openOrders', order: open };
  const since = submittedAtMs - LOOKBACK_MS;
  const any = (await venue.allOrders(symbol, since)).find((o) => o.clientOrderId === clientOrderId);
  if (any) return { found: true, source: 'allOrders', order: any };
  const fills = (await venue.userTrades(symbol, since)).filter((f) => f.clientOrderId === clientOrderId);
  const first = fills[0];
  if (first === undefined) return { found: false };
  return {
    found: true,
    source: 'userTrades',
    orderId: first.orderId,
    fills: fills.filter((f) => f.orderId === first.orderId),
  };
}
