// Rate-limit and breaker groups by path (FUNCTIONAL_SPEC 5.3): market data, account reads, order writes
// and single-order reads, and everything else.
export const ENDPOINT_GROUPS = ['market_data', 'account', 'orders', 'default'] as const;
export type EndpointGroup = (typeof ENDPOINT_GROUPS)[number];

const MARKET_DATA = ['/orderbook', '/ticker', '/ohlc', '/api/v2/trades', '/symbols', '/server/'];
const ACCOUNT = ['/users/', '/openorders', '/allorders', '/balances', '/transactions'];

export function endpointGroupOf(path: string): EndpointGroup {
  const p = path.toLowerCase().split('?')[0] ?? '';
  if (p === '/api/v1/order' || p.startsWith('/api/v1/order/')) return 'orders';
  if (ACCOUNT.some((s) => p.includes(s))) return 'account';
  if (MARKET_DATA.some((s) => p.includes(s))) return 'market_data';
  return 'default';
}
