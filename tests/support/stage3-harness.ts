// A stage 3 system under test: the BTCTurk simulator on 127.0.0.1 spoken to by the real gateway, with
// in-memory stores, kill switch and reconcile queue (or stores passed in, e.g. DynamoDB on moto_server).
// Time is a ManualClock shared by the gateway and the simulator; sleeps advance it instantly.
import { randomUUID } from 'node:crypto';
import { createHandler as createReconcileHandler } from '../../functions/reconcile/handler';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET, type SimulatorOptions } from '../../local/btcturk-sim/options';
import { type RunningSimulator, startSimulator } from '../../local/btcturk-sim/simulator';
import { SqsRouter } from '../../local/runner/sqs-router';
import { LIVE_SIM_ENV, LOCAL_ENV, reconcileDepsOf, simulatorGateway, stage3DepsOf } from '../../local/runner/world';
import { ManualClock } from '../../shared/adapters/clock/manual-clock';
import { forwardingExchange } from '../../shared/adapters/forwarding-exchange';
import { MemoryKillSwitch } from '../../shared/adapters/memory/memory-kill-switch';
import { MemoryReconcileQueue } from '../../shared/adapters/memory/memory-reconcile-queue';
import { createMemoryStateStores } from '../../shared/adapters/memory/state-stores';
import type { ReadEndpoint } from '../../shared/application/exchange-read-monitor';
import { type PlaceOutcome, placeOrder } from '../../shared/application/place-order';
import { cycleWriteGate } from '../../shared/application/stage3/cycle-write-gate';
import {
  runStage3Cycle,
  type Stage3CycleResult,
  type Stage3Deps,
} from '../../shared/application/stage3/run-stage3-cycle';
import { type Config, loadConfig } from '../../shared/config/load-config';
import { dec } from '../../shared/domain/money';
import type { Exchange } from '../../shared/ports/exchange';
import type { LogFields, Logger } from '../../shared/ports/logger';
import type { JournalOrder, StateStores } from '../../shared/ports/state-store';

export const LIVE_ENV = {
  ...LIVE_SIM_ENV,
  ...LOCAL_ENV,
  BTCTURK_API_KEY: DEFAULT_API_KEY,
  BTCTURK_API_SECRET: DEFAULT_API_SECRET,
  SYMBOLS: 'BTCTRY,ETHTRY',
} as const;

export class RecordingLogger implements Logger {
  readonly lines: { level: string; message: string; fields: LogFields }[] = [];
  debug(message: string, fields: LogFields = {}) {
    this.lines.push({ level: 'debug', message, fields });
  }
  info(message: string, fields: LogFields = {}) {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields: LogFields = {}) {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields: LogFields = {}) {
    this.lines.push({ level: 'error', message, fields });
  }
}

/** Counts exchange writes by wrapping the gateway: what "zero exchange writes" is measured with */
export function countingExchange(
  inner: Exchange,
): Exchange & { readonly writes: { submits: number; cancels: number } } {
  const writes = { submits: 0, cancels: 0 };
  return {
    ...forwardingExchange(inner),
    writes,
    placeLimitOrder: (order) => {
      writes.submits += 1;
      return inner.placeLimitOrder(order);
    },
    cancelOrder: (symbol, id) => {
      writes.cancels += 1;
      return inner.cancelOrder(symbol, id);
    },
  };
}

export interface Stage3Harness {
  readonly sim: RunningSimulator;
  readonly clock: ManualClock;
  readonly config: Config;
  readonly stores: StateStores;
  readonly queue: MemoryReconcileQueue;
  readonly killSwitch: MemoryKillSwitch;
  readonly log: RecordingLogger;
  readonly exchange: ReturnType<typeof countingExchange>;
  readonly deps: Stage3Deps;
  /** One cycle; `scheduledAtMs` is when its scheduled event was due (default: no age check) */
  cycle(cycleId?: string, overrides?: Partial<Stage3Deps>, scheduledAtMs?: number): Promise<Stage3CycleResult>;
  /** Delivers visible reconcile messages to the reconcile handler the way SQS does; returns how many */
  drainReconcile(): Promise<number>;
  close(): Promise<void>;
}

export async function stage3Harness(
  options: { env?: Record<string, string>; sim?: SimulatorOptions; stores?: StateStores; killSwitchOn?: boolean } = {},
): Promise<Stage3Harness> {
  const clock = new ManualClock(Date.UTC(2026, 10, 21, 12, 0, 0), { autoAdvance: true });
  const sim = await startSimulator({ seed: 7, clock, symbols: ['BTCTRY', 'ETHTRY'], ...options.sim });
  const config = loadConfig({ ...LIVE_ENV, BTCTURK_BASE_URL: sim.baseUrl, ...options.env });
  const stores = options.stores ?? createMemoryStateStores();
  const queue = new MemoryReconcileQueue(clock);
  const killSwitch = new MemoryKillSwitch(options.killSwitchOn ?? false);
  const log = new RecordingLogger();
  const gateway = simulatorGateway(config, clock);
  const dispatcher = gateway.dispatcher;
  const exchange = countingExchange(gateway.exchange);
  const deps: Stage3Deps = stage3DepsOf({ config, clock, exchange, stores, killSwitch, queue, log });
  const reconcileDeps = reconcileDepsOf({ config, clock, exchange, stores, queue, log });
  const router = new SqsRouter(
    queue,
    createReconcileHandler(() => reconcileDeps),
    () => clock.nowMs(),
    config.RECONCILE_MAX_RECEIVES,
  );
  return {
    sim,
    clock,
    config,
    stores,
    queue,
    killSwitch,
    log,
    exchange,
    deps,
    cycle: (cycleId = randomUUID(), overrides = {}, scheduledAtMs = undefined) =>
      runStage3Cycle(
        { ...deps, ...overrides },
        {
          cycleId,
          runId: 'test-run',
          invocationId: randomUUID(),
          ...(scheduledAtMs === undefined ? {} : { scheduledAtMs }),
        },
      ),
    async drainReconcile() {
      return (await router.route()).delivered;
    },
    async close() {
      await sim.close();
      await dispatcher.close();
    },
  };
}

/** A BUY resting far below the market, placed by the protocol under its own lease, as an earlier cycle would */
export async function restingBuy(harness: Stage3Harness, symbol = 'BTCTRY'): Promise<JournalOrder> {
  const outcome = await earlierBuy(harness, symbol);
  if (outcome.kind !== 'accepted') throw new Error(`expected the resting BUY accepted, was ${outcome.kind}`);
  return outcome.order;
}

/** An UNKNOWN BUY (created on the venue, its answer lost), as an earlier cycle would leave it */
export async function unknownBuy(harness: Stage3Harness, symbol = 'BTCTRY'): Promise<JournalOrder> {
  harness.sim.control.injectNext({ kind: 'timeout-after-create', method: 'POST', path: '/api/v1/order' });
  const outcome = await earlierBuy(harness, symbol);
  if (outcome.kind !== 'unknown') throw new Error(`expected the BUY UNKNOWN, was ${outcome.kind}`);
  return outcome.order;
}

async function earlierBuy(harness: Stage3Harness, symbol: string): Promise<PlaceOutcome> {
  const lease = await harness.stores.leases.acquire('trading#default', 'earlier', 1_000, harness.clock.nowMs());
  if (!lease) throw new Error('lease not free');
  const fence = { name: lease.name, epoch: lease.epoch };
  const bid = dec(harness.sim.control.state().pairs.find((p) => p.symbol === symbol)?.bid ?? '0');
  const price = bid.mul('0.8').toDecimalPlaces(0);
  const outcome = await placeOrder(
    { ...harness.deps, gate: cycleWriteGate(harness.deps, fence) },
    {
      account: 'default',
      stage: 'stage3',
      cycleId: 'earlier',
      intentKey: `resting-${symbol}`,
      symbol,
      side: 'BUY',
      price,
      qty: dec('200').div(price).toDecimalPlaces(6, 1),
    },
    fence,
  );
  await harness.stores.leases.release(lease);
  return outcome;
}

/** A position bought an hour ago at `price`, as if its fills were in the ledger: the strategy may take profit */
export async function seedPosition(harness: Stage3Harness, symbol: string, qty: string, price: string): Promise<void> {
  await harness.stores.ledger.append([
    {
      account: 'default',
      eventId: `seed#${symbol}`,
      type: 'FILL',
      symbol,
      side: 'BUY',
      qty: dec(qty),
      price: dec(price),
      fee: dec('0'),
      feeAsset: 'TRY',
      timestampMs: harness.clock.nowMs() - 3_600_000,
    },
  ]);
}

/** The exchange with chosen reads failing: `failure` returns the error a read of (endpoint, symbol) throws, if any */
export function failingReads(
  inner: Exchange,
  failure: (read: ReadEndpoint, symbol?: string) => Error | undefined,
): Exchange {
  const guard = <T>(read: ReadEndpoint, symbol: string | undefined, call: () => Promise<T>): Promise<T> => {
    const error = failure(read, symbol);
    return error ? Promise.reject(error) : call();
  };
  return {
    serverTime: () => guard('serverTime', undefined, () => inner.serverTime()),
    exchangeInfo: () => guard('exchangeInfo', undefined, () => inner.exchangeInfo()),
    orderBookTop: (symbol) => guard('orderBookTop', symbol, () => inner.orderBookTop(symbol)),
    tickers: () => guard('tickers', undefined, () => inner.tickers()),
    requestsSent: () => inner.requestsSent(),
    balances: () => guard('balances', undefined, () => inner.balances()),
    openOrders: (symbol) => guard('openOrders', symbol, () => inner.openOrders(symbol)),
    allOrders: (symbol, since) => guard('allOrders', symbol, () => inner.allOrders(symbol, since)),
    userTrades: (symbol, since) => guard('userTrades', symbol, () => inner.userTrades(symbol, since)),
    findOrderByClientId: (symbol, id, at) =>
      guard('findOrderByClientId', symbol, () => inner.findOrderByClientId(symbol, id, at)),
    placeLimitOrder: (order) => inner.placeLimitOrder(order),
    cancelOrder: (symbol, id) => inner.cancelOrder(symbol, id),
  };
}
