// The simulator's accounts, as on BTCTurk: each API key opens its own account, whose balances, open orders,
// order history and trades only that key sees; another account's order is unknown to it (a cancel answers
// 1052); a key the venue never issued is refused. The market (quotes, book) is one for every account.
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { inProcessSimulator } from '../../../local/btcturk-sim/in-process-dispatcher';
import { ManualClock } from '../../../shared/adapters/clock/manual-clock';
import { KEY, SECRET, sign, T0 } from './support/sim-http';

const OTHER = { apiKey: 'sim-other-key', apiSecret: Buffer.from('another secret').toString('base64') };

function venue() {
  const clock = new ManualClock(T0, { autoAdvance: true });
  const sim = inProcessSimulator({
    clock,
    seed: 5,
    symbols: ['BTCTRY'],
    apiKey: KEY,
    apiSecret: SECRET,
    accountName: 'stage3',
    balances: { TRY: '10000' },
    accounts: [{ name: 'stage4', ...OTHER, balances: { TRY: '2500' } }],
  });
  const as =
    (key: string, secret: string) => async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => {
      const stamp = String(clock.nowMs());
      const res = await request(`${sim.baseUrl}${path}`, {
        dispatcher: sim.dispatcher,
        method,
        headers: {
          'content-type': 'application/json',
          'X-PCK': key,
          'X-Stamp': stamp,
          'X-Signature': sign(key, secret, stamp),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.statusCode, json: JSON.parse(await res.body.text()) as { data: unknown; code: number } };
    };
  return { sim, stage3: as(KEY, SECRET), stage4: as(OTHER.apiKey, OTHER.apiSecret), stranger: as('nobody', SECRET) };
}

const restingBuy = {
  pairSymbol: 'BTCTRY',
  orderType: 'buy',
  orderMethod: 'limit',
  price: '2000000',
  quantity: '0.001',
};

describe('simulator accounts', () => {
  it('keeps balances, orders and trades per API key, and refuses a key it never issued', async () => {
    const { sim, stage3, stage4, stranger } = venue();
    const tryOf = async (call: typeof stage3) =>
      ((await call('GET', '/api/v1/users/balances')).json.data as { asset: string; balance: string }[]).find(
        (b) => b.asset === 'TRY',
      )?.balance;
    expect([await tryOf(stage3), await tryOf(stage4)]).toEqual(['10000', '2500']);

    const placed = await stage3('POST', '/api/v1/order', { ...restingBuy, newOrderClientId: 'mine-1' });
    expect(placed.status).toBe(200);
    const id = (placed.json.data as { id: number }).id;
    expect([...sim.venue.engine.orders.values()].map((o) => [o.owner, o.clientId])).toEqual([['stage3', 'mine-1']]);

    // stage 4's key sees none of it: no open order, no history, no single order, and cannot cancel it
    const open = (await stage4('GET', '/api/v1/openOrders?pairSymbol=BTCTRY')).json.data as { bids: unknown[] };
    expect(open.bids).toEqual([]);
    expect((await stage4('GET', '/api/v1/allOrders?pairSymbol=BTCTRY')).json.data).toEqual([]);
    expect((await stage4('GET', `/api/v1/order/${id}`)).json.code).toBe(1152);
    expect((await stage4('DELETE', `/api/v1/order?id=${id}`)).json.code).toBe(1052);
    expect(await tryOf(stage4)).toBe('2500');
    // while its own key sees it, and its own funds are locked (the notional plus the worst-case taxed fee)
    expect(
      ((await stage3('GET', '/api/v1/openOrders?pairSymbol=BTCTRY')).json.data as { bids: unknown[] }).bids,
    ).toHaveLength(1);
    expect(
      sim.control.state().accounts.map((a) => [a.name, a.balances.find((b) => b.asset === 'TRY')?.locked]),
    ).toEqual([
      ['stage3', '2002.16'],
      ['stage4', '0'],
    ]);
    // a marketable buy fills at once: the trade is stage 3's alone
    await stage3('POST', '/api/v1/order', { ...restingBuy, price: '4000000', newOrderClientId: 'mine-2' });
    const trades = (call: typeof stage3) => call('GET', '/api/v1/users/transactions/trade');
    expect(((await trades(stage3)).json.data as unknown[]).length).toBeGreaterThan(0);
    expect((await trades(stage4)).json.data).toEqual([]);
    expect((await stranger('GET', '/api/v1/users/balances')).status).toBe(401);
  });
});
