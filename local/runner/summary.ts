// The machine-readable result of a local run (out/summary.json): configuration, per-cycle records,
// totals, journal orders, ledger fills, final positions, the equity series, and the exchange's own order
// list counted by client order id (read after the run with faults off, so the audit itself is exact).
import type { CycleCounters } from '../../shared/application/stage3/cycle-counters';
import { toPlain } from '../../shared/domain/money';
import { JOURNAL_STATUSES } from '../../shared/domain/order-state';
import type { StateInfo } from './local-state';
import type { LocalRunOptions } from './options';
import type { CycleRecord, ScheduleResult } from './scheduler';
import { positionsOf, valuate } from './valuation';
import { LOCAL_START_MS, type LocalWorld } from './world';

export interface LocalRunSummary {
  readonly config: {
    readonly options: LocalRunOptions;
    readonly mode: string;
    readonly appRole: string;
    readonly dryRun: boolean;
    readonly killSwitch: boolean;
    readonly account: string;
    readonly simulatorUrl: string;
    /** Where the state lived: embedded, or moto with the endpoint and the table, queues, parameter, secret */
    readonly state: StateInfo;
    readonly startIso: string;
  };
  readonly cycles: readonly CycleRecord[];
  readonly totals: CycleCounters & { readonly cycles: number; readonly errors: number };
  readonly orders: readonly {
    clientOrderId: string;
    cycleId: string;
    symbol: string;
    side: string;
    price: string;
    qty: string;
    filledQty: string;
    status: string;
    exchangeOrderId: string | null;
  }[];
  readonly fills: readonly {
    tradeId: string | null;
    clientOrderId: string | null;
    symbol: string;
    side: string;
    price: string;
    qty: string;
    fee: string;
    feeAsset: string;
    timeIso: string;
  }[];
  readonly positions: readonly { symbol: string; qty: string; avgCost: string; realizedPnl: string; mark: string }[];
  readonly equity: { readonly start: string; readonly end: string; readonly pnl: string };
  readonly equitySeries: readonly { timeIso: string; equity: string; pnl: string }[];
  readonly outcome: {
    readonly unknown: number;
    readonly failed: number;
    readonly journalByStatus: Readonly<Record<string, number>>;
    readonly reconcileLeft: number;
    readonly deadLetters: number;
    readonly drainRounds: number;
    readonly stoppedEarly: boolean;
    readonly warnings: number;
    readonly errors: number;
  };
  readonly exchange: {
    readonly orders: number;
    readonly distinctClientIds: number;
    readonly duplicateClientIds: readonly string[];
    readonly journalOrders: number;
    readonly intents: number;
  };
}

const sumCounters = (records: readonly CycleRecord[]): CycleCounters => {
  const totals: Record<string, number> = {};
  for (const r of records) {
    for (const [k, v] of Object.entries(r.counters ?? {})) totals[k] = (totals[k] ?? 0) + v;
  }
  return totals as unknown as CycleCounters;
};

async function exchangeOrders(world: LocalWorld) {
  world.sim.control.setFaults('none');
  const lists = await Promise.all(
    world.config.SYMBOLS.map((s) => world.exchange.allOrders(s, LOCAL_START_MS - 60_000)),
  );
  return lists.flat();
}

export async function buildSummary(
  world: LocalWorld,
  options: LocalRunOptions,
  schedule: ScheduleResult,
  startEquity: string,
): Promise<LocalRunSummary> {
  const account = world.config.BOT_ACCOUNT;
  const journal = await world.stores.journal.listByStatus(account, JOURNAL_STATUSES);
  const ledger = await world.stores.ledger.list(account);
  const byStatus = await world.stores.journal.countByStatus(account);
  const value = valuate(world.sim.control.state(), await positionsOf(world, account));
  const venueOrders = await exchangeOrders(world);
  const perClientId = new Map<string, number>();
  for (const o of venueOrders) perClientId.set(o.clientOrderId, (perClientId.get(o.clientOrderId) ?? 0) + 1);
  const totals = sumCounters(schedule.cycles);
  const last = schedule.cycles.at(-1);
  return {
    config: {
      options,
      mode: last?.mode ?? 'NONE',
      appRole: world.config.APP_ROLE,
      dryRun: world.config.DRY_RUN,
      killSwitch: await world.killSwitch.isOn(),
      account,
      simulatorUrl: world.sim.baseUrl,
      state: world.state,
      startIso: new Date(LOCAL_START_MS).toISOString(),
    },
    cycles: schedule.cycles,
    totals: {
      ...totals,
      cycles: schedule.cycles.length,
      errors: schedule.cycles.filter((c) => c.status === 'error').length,
    },
    orders: [...journal]
      .sort((a, b) => a.createdAtMs - b.createdAtMs || a.clientOrderId.localeCompare(b.clientOrderId))
      .map((o) => ({
        clientOrderId: o.clientOrderId,
        cycleId: o.cycleId,
        symbol: o.symbol,
        side: o.side,
        price: toPlain(o.price),
        qty: toPlain(o.qty),
        filledQty: toPlain(o.filledQty),
        status: o.status,
        exchangeOrderId: o.exchangeOrderId ?? null,
      })),
    fills: ledger.flatMap((f) =>
      f.type === 'FILL' && f.side
        ? [
            {
              tradeId: f.tradeId ?? null,
              clientOrderId: f.clientOrderId ?? null,
              symbol: f.symbol,
              side: f.side,
              price: toPlain(f.price),
              qty: toPlain(f.qty),
              fee: toPlain(f.fee),
              feeAsset: f.feeAsset,
              timeIso: new Date(f.timestampMs).toISOString(),
            },
          ]
        : [],
    ),
    positions: value.positions.map((p) => ({
      symbol: p.symbol,
      qty: toPlain(p.qty),
      avgCost: toPlain(p.avgCost.toDecimalPlaces(8)),
      realizedPnl: toPlain(p.realizedPnl.toDecimalPlaces(2)),
      mark: toPlain(value.marks.get(p.symbol) ?? p.avgCost),
    })),
    equity: {
      start: startEquity,
      end: value.equity.toFixed(2),
      pnl: value.pnl.toFixed(2),
    },
    equitySeries: schedule.cycles.map((c) => ({ timeIso: c.timeIso, equity: c.equity, pnl: c.pnl })),
    outcome: {
      unknown: byStatus.UNKNOWN,
      failed: byStatus.FAILED,
      journalByStatus: byStatus,
      reconcileLeft: schedule.drain.left,
      deadLetters: schedule.deadLetters,
      drainRounds: schedule.drain.rounds,
      stoppedEarly: schedule.stoppedEarly,
      warnings: world.log.warnings,
      errors: world.log.errors,
    },
    exchange: {
      orders: venueOrders.length,
      distinctClientIds: perClientId.size,
      duplicateClientIds: [...perClientId].flatMap(([id, n]) => (n > 1 ? [id] : [])),
      journalOrders: journal.length,
      intents: totals.intents,
    },
  };
}
