// Private endpoints (BTCTURK_API.md 7), called after authentication: balances, submit, cancel, open and
// all orders, single order, and user trades, each of the account the API key opened (another account's order
// is unknown to it, as on BTCTurk). Time filters are ms; values below 1e11 are taken as seconds.
import type { SimOrder } from './orders';
import { isOpen } from './orders';
import { json, ok, plainError, type Reply } from './reply';
import { insufficientFunds, type SubmitBody, validateSubmit } from './validation';
import type { Venue } from './venue';
import { balanceJson, orderJson, submitAckJson, userTradeJson } from './wire';

const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;

/** A ms timestamp parameter; ccxt sends seconds, so small values are scaled (allOrders units are unconfirmed) */
function timeParam(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || !/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n < 1e11 ? n * 1000 : n;
}

export const balances = (v: Venue, account: string): Reply => {
  const now = v.serverNowMs();
  const precision = (asset: string) => (asset === 'TRY' ? 2 : 8);
  const data = v
    .accountNamed(account)
    .holdings.list()
    .map((b) => balanceJson(b, precision(b.asset), v.commaDecimals, now));
  return json(200, { data, success: true, message: null, code: 0 });
};

/** The account's own order with this venue id */
const ownOrder = (v: Venue, account: string, id: number): SimOrder | undefined => {
  const order = v.engine.orders.get(id);
  return order?.owner === account ? order : undefined;
};

export const submitOrder = (v: Venue, account: string, body: SubmitBody): Reply => {
  const checked = validateSubmit(body, {
    pairOf: (s) => v.pairOf(s),
    quoteOf: (p) => v.feedOf(p).quote,
    newClientId: () => v.newClientId(),
  });
  if ('status' in checked) return checked;
  const order = v.engine.place({ ...checked, owner: account }, v.serverNowMs());
  if (!order) return insufficientFunds();
  return ok(submitAckJson(order), 'OK');
};

export const cancelOrder = (v: Venue, account: string, q: URLSearchParams): Reply => {
  const id = Number(q.get('id') ?? '');
  const result =
    Number.isSafeInteger(id) && ownOrder(v, account, id)
      ? v.engine.cancel(id, v.serverNowMs(), v.options.cancelDelayMs ?? 0)
      : 'unknown';
  if (result === 'unknown') return plainError('NO_ORDER_MATCHES_YOUR_REQUEST', 1052);
  if (result === 'closed') return plainError('ORDER_COULD_NOT_BE_CANCELED', 1050);
  return ok(undefined, 'SUCCESS');
};

/** The account's orders of the queried pair (every pair when none is named) */
const forPair = (v: Venue, account: string, q: URLSearchParams) => {
  const symbol = q.get('pairSymbol');
  const pair = symbol === null ? undefined : v.pairOf(symbol);
  return (o: SimOrder) => o.owner === account && (symbol === null || o.pair.symbol === pair?.symbol);
};

export const openOrders = (v: Venue, account: string, q: URLSearchParams): Reply => {
  const zero = v.options.zeroOrderTime ?? true;
  const open = [...v.engine.orders.values()].filter((o) => isOpen(o) && forPair(v, account, q)(o));
  const side = (s: SimOrder['side']) => open.filter((o) => o.side === s).map((o) => orderJson(o, zero));
  return ok({ asks: side('sell'), bids: side('buy') });
};

export const allOrders = (v: Venue, account: string, q: URLSearchParams): Reply => {
  const start = timeParam(q, 'startTime') ?? 0;
  const end = timeParam(q, 'endTime') ?? Number.MAX_SAFE_INTEGER;
  const fromId = Number(q.get('orderId') ?? 0) || 0;
  const limit = Math.min(Math.max(Number(q.get('limit') ?? 100) || 100, 1), 1000);
  const page = Math.max(Number(q.get('page') ?? 1) || 1, 1);
  const rows = [...v.engine.orders.values()]
    .filter((o) => forPair(v, account, q)(o) && o.id >= fromId && o.createdMs >= start && o.createdMs <= end)
    .sort((a, b) => b.id - a.id)
    .slice((page - 1) * limit, page * limit);
  return ok(rows.map((o) => orderJson(o, v.options.zeroOrderTime ?? true)));
};

export const singleOrder = (v: Venue, account: string, idText: string): Reply => {
  const order = /^\d+$/.test(idText) ? ownOrder(v, account, Number(idText)) : undefined;
  if (!order) return plainError('Order not found', 1152);
  return ok(orderJson(order, v.options.zeroOrderTime ?? true));
};

export const userTrades = (v: Venue, account: string, q: URLSearchParams): Reply => {
  const now = v.serverNowMs();
  const orderId = q.get('orderId');
  const start = timeParam(q, 'startDate') ?? now - THIRTY_DAYS_MS;
  const end = timeParam(q, 'endDate') ?? now;
  const types = q.getAll('type');
  const symbols = q.getAll('symbol').map((s) => s.toUpperCase());
  const rows = v.engine.fills
    .filter(
      (f) =>
        f.order.owner === account &&
        (orderId !== null
          ? String(f.order.id) === orderId
          : forPair(v, account, q)(f.order) &&
            f.timeMs >= start &&
            f.timeMs <= end &&
            (types.length === 0 || types.includes(f.order.side)) &&
            (symbols.length === 0 || symbols.includes(f.order.pair.base) || symbols.includes(f.order.pair.quote))),
    )
    .reverse();
  return ok(rows.map(userTradeJson), 'SUCCESS');
};
