// An Exchange that forwards every call to `inner`: the base of a wrapper that watches or counts some calls
// (spread it, then replace those), so such a wrapper cannot drop a method the port gains.
import type { Exchange } from '../ports/exchange';

export const forwardingExchange = (inner: Exchange): Exchange => ({
  serverTime: () => inner.serverTime(),
  exchangeInfo: () => inner.exchangeInfo(),
  orderBookTop: (symbol) => inner.orderBookTop(symbol),
  tickers: () => inner.tickers(),
  requestsSent: () => inner.requestsSent(),
  balances: () => inner.balances(),
  openOrders: (symbol) => inner.openOrders(symbol),
  allOrders: (symbol, sinceMs) => inner.allOrders(symbol, sinceMs),
  userTrades: (symbol, sinceMs) => inner.userTrades(symbol, sinceMs),
  findOrderByClientId: (symbol, id, atMs) => inner.findOrderByClientId(symbol, id, atMs),
  placeLimitOrder: (order) => inner.placeLimitOrder(order),
  cancelOrder: (symbol, id) => inner.cancelOrder(symbol, id),
});
