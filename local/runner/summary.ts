// The machine-readable result of a local run (out/summary.json): configuration, per-cycle records, totals
// per stage (stage 7's with its own series: stage7-totals.ts), journal orders, ledger fills, final positions,
// the equity series of the venue account, the exchange's own order list
// counted by client order id (read after the run with faults off, so the audit itself is exact), and the
// duplicates the venue's books showed resting at once (duplicate-check.ts).
import { type CycleCounters, newCounters } from '../../shared/application/stage3/cycle-counters';
import { newExecutionResult } from '../../shared/application/stage4/execute-actions-result';
import type { StageName } from '../../shared/domain/ids';
import { toPlain } from '../../shared/domain/money';
import { JOURNAL_STATUSES } from '../../shared/domain/order-state';
import type { JournalOrder } from '../../shared/ports/state-store';
import type { RestingDuplicate } from './duplicate-check';
import type { StateInfo } from './local-state';
import type { LocalRunOptions } from './options';
import {
  type CycleRecord,
  isTradingRecord,
  type ScheduleResult,
  type Stage3CycleRecord,
  type Stage4CycleRecord,
} from './scheduler';
import type { Stage7CycleRecord } from './stage7-record';
import { type Stage7Totals, stage7Totals } from './stage7-totals';
import { sumOf, tally } from './tally';
import { positionsOf, valuate } from './valuation';
import { type VenueAgreement, venueAgreement } from './venue-agreement';
import { LOCAL_START_MS, type LocalWorld } from './world';

/** What every stage's totals hold besides its own counters */
export interface StageOutcome {
  readonly cycles: number;
  readonly errors: number;
  /** Its journal entries the reconcile function settled */
  readonly reconciled: number;
  /** Its journal entries still UNKNOWN at the end */
  readonly unknownOutstanding: number;
  /** Its orders the venue's books showed resting at once for one client id, intent or replace group */
  readonly duplicates: number;
}

export type Stage3Totals = CycleCounters & StageOutcome;

export interface Stage4Totals extends StageOutcome {
  /** Orders the decision pipeline planned, and actions left after lifecycle, the risk filter and the mode gate */
  readonly planned: number;
  readonly actions: number;
  /** Orders placed on the venue (replacements included) */
  readonly placed: number;
  /** Replace transactions committed: every old order's cancel confirmed, then the replacement submitted */
  readonly replaced: number;
  readonly canceled: number;
  /** Fills ingested into the ledger */
  readonly filled: number;
  readonly simulated: number;
  readonly rejected: number;
  /** Submits and cancels whose outcome was unclear: what reconcile has to settle */
  readonly uncertainSubmits: number;
  readonly uncertainCancels: number;
  readonly recovered: number;
  readonly imported: number;
  readonly replaceBlocked: number;
  readonly replaceFailed: number;
  readonly gateBlocked: number;
  /** Cycles that ran under the unknown-order freeze */
  readonly freezeCycles: number;
  /** Cycles per combined trading mode */
  readonly riskModes: Readonly<Record<string, number>>;
  /** Cycles per reason they sent nothing */
  readonly reasonsNoAction: Readonly<Record<string, number>>;
}

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
  /** One entry per stage the run scheduled */
  readonly stages: {
    readonly stage3?: Stage3Totals;
    readonly stage4?: Stage4Totals;
    readonly stage7?: Stage7Totals;
  };
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
  /** The venue account (the simulator's, which stage 3 and stage 4 trade) at mid marks */
  readonly equity: { readonly start: string; readonly end: string; readonly pnl: string };
  /** One point per simulated minute a trading stage ran in (none when only stage 7 ran) */
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
    /** Our orders resting at once for one client id, intent or replace group, each once, first seen first */
    readonly restingDuplicates: readonly RestingDuplicate[];
    /** The venue's orders set against the journal rows that sent them, after the run */
    readonly reconciled: VenueAgreement;
  };
}

interface OutcomeInputs {
  readonly schedule: ScheduleResult;
  readonly journal: readonly JournalOrder[];
  readonly duplicates: readonly RestingDuplicate[];
}

function outcomeOf(stage: StageName, records: readonly CycleRecord[], o: OutcomeInputs): StageOutcome {
  return {
    cycles: records.length,
    errors: records.filter((r) => r.status === 'error').length,
    reconciled: o.schedule.reconciled[stage],
    unknownOutstanding: o.journal.filter((j) => j.stage === stage && j.status === 'UNKNOWN').length,
    duplicates: o.duplicates.filter((d) => d.stage === stage).length,
  };
}

function stage3Totals(records: readonly Stage3CycleRecord[], o: OutcomeInputs): Stage3Totals {
  return {
    ...sumOf(
      newCounters(),
      records.map((r) => r.counters),
    ),
    ...outcomeOf('stage3', records, o),
  };
}

function stage4Totals(records: readonly Stage4CycleRecord[], o: OutcomeInputs): Stage4Totals {
  const counters = sumOf(
    { planned: 0, actions: 0, recovered: 0, fillsInserted: 0, imported: 0 },
    records.map((r) => r.counters),
  );
  const x = sumOf(
    newExecutionResult().counters,
    records.map((r) => r.execution),
  );
  return {
    ...outcomeOf('stage4', records, o),
    planned: counters.planned,
    actions: counters.actions,
    placed: x.submitted,
    replaced: x.replaceCommitted,
    canceled: x.canceled,
    filled: counters.fillsInserted,
    simulated: x.simulated,
    rejected: x.rejected,
    uncertainSubmits: x.unknown,
    uncertainCancels: x.cancelUncertain,
    recovered: counters.recovered,
    imported: counters.imported,
    replaceBlocked: x.replaceBlocked,
    replaceFailed: x.replaceFailed,
    gateBlocked: x.gateBlocked,
    freezeCycles: records.filter((r) => r.freezeActive).length,
    riskModes: tally(records.flatMap((r) => (r.riskMode ? [r.riskMode] : []))),
    reasonsNoAction: tally(records.flatMap((r) => r.reasonsNoAction)),
  };
}

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
  const duplicates = world.duplicates.found;
  const inputs: OutcomeInputs = { schedule, journal, duplicates };
  const stage3 = schedule.cycles.filter((r): r is Stage3CycleRecord => r.stage === 'stage3');
  const stage4 = schedule.cycles.filter((r): r is Stage4CycleRecord => r.stage === 'stage4');
  const stage7 = schedule.cycles.filter((r): r is Stage7CycleRecord => r.stage === 'stage7');
  const trading = schedule.cycles.filter(isTradingRecord);
  const last = trading.at(-1) ?? schedule.cycles.at(-1);
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
    stages: {
      ...(options.stages.includes('stage3') ? { stage3: stage3Totals(stage3, inputs) } : {}),
      ...(options.stages.includes('stage4') ? { stage4: stage4Totals(stage4, inputs) } : {}),
      ...(options.stages.includes('stage7')
        ? { stage7: stage7Totals(stage7, world.stage7Config.DRY_RUN_TRY_BALANCE) }
        : {}),
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
    // one point per simulated minute: after the last trading stage that ran in it
    equitySeries: trading
      .filter((c, i, all) => all[i + 1]?.index !== c.index)
      .map((c) => ({ timeIso: c.timeIso, equity: c.equity, pnl: c.pnl })),
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
      restingDuplicates: duplicates,
      reconciled: venueAgreement(venueOrders, journal),
    },
  };
}
