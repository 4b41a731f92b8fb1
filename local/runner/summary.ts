// The machine-readable result of a local run (out/summary.json), the one source report.md and report.html
// render: a "what happened" paragraph, configuration, per-cycle records and the trading cycles' timeline with
// their block reasons, totals per stage (stage 7's with its own series: stage7-totals.ts), journal orders with
// their status history, ledger fills, final positions, each bot's own account (equity, PnL, series) and all bots
// together, the faults the simulator injected and the requests per endpoint, the exchange's own order list counted by client order id
// (read after the run with faults off, so the audit itself is exact), and the duplicates the venue's books
// showed resting at once (duplicate-check.ts). Its shape is LocalRunSummarySchema (report-summary-schema.ts).
import { type CycleCounters, newCounters } from '../../shared/application/stage3/cycle-counters';
import { newExecutionResult } from '../../shared/application/stage4/execute-actions-result';
import type { StageName } from '../../shared/domain/ids';
import { dec, sumDec, toPlain } from '../../shared/domain/money';
import { JOURNAL_STATUSES, type JournalStatus } from '../../shared/domain/order-state';
import type { JournalOrder, LedgerEvent } from '../../shared/ports/state-store';
import type { RestingDuplicate } from './duplicate-check';
import type { StateInfo } from './local-state';
import { type LocalRunOptions, TRADING_STAGES, type TradingStage } from './options';
import { type FaultsSummary, faultsSummary, requestsByEndpoint } from './report-faults';
import type { OrderStep } from './report-recorder';
import { whatHappened } from './report-story';
import { type TimelineRow, timelineOf } from './report-timeline';
import {
  type CycleRecord,
  isTradingRecord,
  type ScheduleResult,
  type Stage3CycleRecord,
  type Stage4CycleRecord,
  type TradingCycleRecord,
} from './scheduler';
import type { Stage7CycleRecord } from './stage7-record';
import { type Stage7Totals, stage7Totals } from './stage7-totals';
import { sumOf, tally } from './tally';
import { positionsOf, valuate } from './valuation';
import { type VenueAgreement, venueAgreement } from './venue-agreement';
import type { LocalBot, LocalWorld } from './world';

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

/** An order's step as summary.json holds it */
export interface OrderStepView {
  readonly atIso: string;
  readonly from: string | null;
  readonly to: string;
  readonly event: string;
  readonly by: string;
  readonly cause: string;
}

/** One bot's own simulator account: what it started with, ended with, its PnL and one point per cycle */
export interface BotView {
  readonly stage: TradingStage;
  readonly account: string;
  readonly equity: { readonly start: string; readonly end: string; readonly pnl: string };
  readonly equitySeries: readonly { timeIso: string; equity: string; pnl: string }[];
}

export interface LocalRunSummary {
  /** Sentences generated from the rest of the summary: what the run did and why (report-story.ts) */
  readonly whatHappened: readonly string[];
  readonly config: {
    readonly options: LocalRunOptions;
    readonly mode: string;
    readonly appRole: string;
    readonly dryRun: boolean;
    readonly killSwitch: boolean;
    /** The primary bot's BOT_ACCOUNT (the first trading stage scheduled; each bot's own is in `bots`) */
    readonly account: string;
    /** Stage 7's BOT_ACCOUNT (its lease, store rows and simulated ledger); null when stage 7 did not run */
    readonly stage7Account: string | null;
    readonly simulatorUrl: string;
    /** Where the state lived: embedded, or moto with the endpoint and the table, queues, parameter, secret */
    readonly state: StateInfo;
    readonly startIso: string;
  };
  readonly cycles: readonly CycleRecord[];
  /** The trading cycles (stage 3, stage 4) in order: what each decided and sent, and why it sent nothing */
  readonly timeline: readonly TimelineRow[];
  /** One entry per stage the run scheduled */
  readonly stages: {
    readonly stage3?: Stage3Totals;
    readonly stage4?: Stage4Totals;
    readonly stage7?: Stage7Totals;
  };
  readonly orders: readonly {
    clientOrderId: string;
    /** The stage whose journal entry it is */
    stage: string;
    cycleId: string;
    symbol: string;
    side: string;
    price: string;
    qty: string;
    filledQty: string;
    status: string;
    exchangeOrderId: string | null;
    /** Every journal step the run's recorder saw, oldest first (report-recorder.ts) */
    history: readonly OrderStepView[];
  }[];
  readonly fills: readonly {
    /** The bot whose ledger has it */
    stage: TradingStage;
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
  readonly positions: readonly {
    stage: TradingStage;
    symbol: string;
    qty: string;
    avgCost: string;
    realizedPnl: string;
    mark: string;
  }[];
  /** Each scheduled trading stage's bot, on its own simulator account at mid marks */
  readonly bots: readonly BotView[];
  /** All bots together (their accounts summed): start, end and PnL */
  readonly equity: { readonly start: string; readonly end: string; readonly pnl: string };
  /** All bots together, one point per simulated minute (none when only stage 7 ran) */
  readonly equitySeries: readonly { timeIso: string; equity: string; pnl: string }[];
  /** What the simulator injected and what it caused */
  readonly faults: FaultsSummary;
  /** HTTP requests per `METHOD /path` during the run (the summary's own audit read excluded) */
  readonly requests: {
    /** Sent by the bots' gateways (stage 3, stage 4 and their reconcile), retries and clock syncs included */
    readonly bots: Readonly<Record<string, number>>;
    /** Sent by stage 7's own gateway; null when stage 7 did not run */
    readonly stage7: Readonly<Record<string, number>> | null;
    /** Answered by the simulator, whoever sent them */
    readonly simulator: Readonly<Record<string, number>>;
  };
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

/** The bots the run scheduled (stage 3's, stage 4's), each on its own account */
const botsOf = (world: LocalWorld, options: LocalRunOptions): LocalBot[] =>
  TRADING_STAGES.filter((st) => options.stages.includes(st)).map((st) => world.bots[st]);

/** Every order the venue holds for the bots, read with faults off so the audit itself is exact */
async function exchangeOrders(world: LocalWorld, bots: readonly LocalBot[]) {
  world.sim.control.setFaults('none');
  const lists = await Promise.all(
    bots.flatMap((bot) => bot.config.SYMBOLS.map((s) => bot.exchange.allOrders(s, world.startMs - 60_000))),
  );
  return lists.flat();
}

const stepView = (s: OrderStep): OrderStepView => ({
  atIso: new Date(s.atMs).toISOString(),
  from: s.from,
  to: s.to,
  event: s.event,
  by: s.by,
  cause: s.cause,
});

/** Requests per endpoint added up over several gateways */
function addCounts(counts: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const c of counts) for (const [k, n] of Object.entries(c)) sum[k] = (sum[k] ?? 0) + n;
  return sum;
}

/** One bot's account: its start (the funding, or the measured start of the primary one), end, PnL and series */
async function botSummary(world: LocalWorld, bot: LocalBot, start: string, records: readonly TradingCycleRecord[]) {
  const value = valuate(world.sim.control.state(), await positionsOf(world, bot.account), bot.account);
  return {
    value,
    view: {
      stage: bot.stage,
      account: bot.account,
      equity: { start: dec(start).toFixed(2), end: value.equity.toFixed(2), pnl: value.pnl.toFixed(2) },
      equitySeries: records
        .filter((r) => r.stage === bot.stage)
        .map((c) => ({ timeIso: c.timeIso, equity: c.equity, pnl: c.pnl })),
    },
  };
}

/** All bots together, minute by minute (a minute counts once every bot has its point) */
function totalSeries(bots: readonly BotView[]): LocalRunSummary['equitySeries'] {
  const [first, ...others] = bots;
  if (first === undefined) return [];
  return first.equitySeries.flatMap((p, i) => {
    const points = [p, ...others.map((b) => b.equitySeries[i])];
    if (points.some((x) => x === undefined)) return [];
    const sum = (pick: (x: { equity: string; pnl: string }) => string) =>
      sumDec(points.map((x) => dec(x ? pick(x) : '0'))).toFixed(2);
    return [{ timeIso: p.timeIso, equity: sum((x) => x.equity), pnl: sum((x) => x.pnl) }];
  });
}

/**
 * @param startEquity the primary bot's account before the first cycle; the other bot starts with its funding
 *   (options.balanceTry), as the primary one does
 */
export async function buildSummary(
  world: LocalWorld,
  options: LocalRunOptions,
  schedule: ScheduleResult,
  startEquity: string,
): Promise<LocalRunSummary> {
  const bots = botsOf(world, options);
  // the requests first: the audit read below (exchangeOrders) is the summary's, not the run's
  const seen = world.recorder.requests();
  const requests = {
    bots: addCounts(bots.map((b) => b.exchange.requestsSent())),
    stage7: options.stages.includes('stage7') ? world.stage7Exchange.requestsSent() : null,
    simulator: requestsByEndpoint(seen),
  };
  const journal: JournalOrder[] = [];
  const ledger: (LedgerEvent & { readonly stage: TradingStage })[] = [];
  const byStatus = Object.fromEntries(JOURNAL_STATUSES.map((st) => [st, 0])) as Record<JournalStatus, number>;
  for (const bot of bots) {
    journal.push(...(await world.stores.journal.listByStatus(bot.account, JOURNAL_STATUSES)));
    ledger.push(...(await world.stores.ledger.list(bot.account)).map((e) => ({ ...e, stage: bot.stage })));
    const counts = await world.stores.journal.countByStatus(bot.account);
    for (const st of JOURNAL_STATUSES) byStatus[st] += counts[st];
  }
  const trading = schedule.cycles.filter(isTradingRecord);
  const botViews: BotView[] = [];
  const positions: LocalRunSummary['positions'][number][] = [];
  for (const bot of bots) {
    const start = bot === world.primary ? startEquity : options.balanceTry;
    const { value, view } = await botSummary(world, bot, start, trading);
    botViews.push(view);
    positions.push(
      ...value.positions.map((p) => ({
        stage: bot.stage,
        symbol: p.symbol,
        qty: toPlain(p.qty),
        avgCost: toPlain(p.avgCost.toDecimalPlaces(8)),
        realizedPnl: toPlain(p.realizedPnl.toDecimalPlaces(2)),
        mark: toPlain(value.marks.get(p.symbol) ?? p.avgCost),
      })),
    );
  }
  const venueOrders = await exchangeOrders(world, bots);
  const perClientId = new Map<string, number>();
  for (const o of venueOrders) perClientId.set(o.clientOrderId, (perClientId.get(o.clientOrderId) ?? 0) + 1);
  const duplicates = world.duplicates.found;
  const inputs: OutcomeInputs = { schedule, journal, duplicates };
  const stage3 = schedule.cycles.filter((r): r is Stage3CycleRecord => r.stage === 'stage3');
  const stage4 = schedule.cycles.filter((r): r is Stage4CycleRecord => r.stage === 'stage4');
  const stage7 = schedule.cycles.filter((r): r is Stage7CycleRecord => r.stage === 'stage7');
  const last = trading.at(-1) ?? schedule.cycles.at(-1);
  const recorder = world.recorder;
  const orders = [...journal]
    .sort((a, b) => a.createdAtMs - b.createdAtMs || a.clientOrderId.localeCompare(b.clientOrderId))
    .map((o) => ({
      clientOrderId: o.clientOrderId,
      stage: o.stage,
      cycleId: o.cycleId,
      symbol: o.symbol,
      side: o.side,
      price: toPlain(o.price),
      qty: toPlain(o.qty),
      filledQty: toPlain(o.filledQty),
      status: o.status,
      exchangeOrderId: o.exchangeOrderId ?? null,
      history: recorder.stepsOf(o.clientOrderId).map(stepView),
    }));
  const steps = journal.map((o) => ({
    clientOrderId: o.clientOrderId,
    status: o.status,
    steps: recorder.stepsOf(o.clientOrderId),
  }));
  const sumOver = (pick: (b: BotView) => string) => sumDec(botViews.map((b) => dec(pick(b)))).toFixed(2);
  const rest: Omit<LocalRunSummary, 'whatHappened'> = {
    config: {
      options,
      mode: last?.mode ?? 'NONE',
      appRole: world.config.APP_ROLE,
      dryRun: world.config.DRY_RUN,
      killSwitch: await world.killSwitch.isOn(),
      account: world.config.BOT_ACCOUNT,
      stage7Account: options.stages.includes('stage7') ? world.stage7Config.BOT_ACCOUNT : null,
      simulatorUrl: world.sim.baseUrl,
      state: world.state,
      startIso: new Date(world.startMs).toISOString(),
    },
    cycles: schedule.cycles,
    timeline: timelineOf(trading),
    stages: {
      ...(options.stages.includes('stage3') ? { stage3: stage3Totals(stage3, inputs) } : {}),
      ...(options.stages.includes('stage4') ? { stage4: stage4Totals(stage4, inputs) } : {}),
      ...(options.stages.includes('stage7')
        ? { stage7: stage7Totals(stage7, world.stage7Config.DRY_RUN_TRY_BALANCE) }
        : {}),
    },
    orders,
    fills: ledger.flatMap((f) =>
      f.type === 'FILL' && f.side
        ? [
            {
              stage: f.stage,
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
    positions,
    bots: botViews,
    equity: {
      start: sumOver((b) => b.equity.start),
      end: sumOver((b) => b.equity.end),
      pnl: sumOver((b) => b.equity.pnl),
    },
    equitySeries: totalSeries(botViews),
    faults: faultsSummary(seen, steps),
    requests,
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
  return { whatHappened: whatHappened(rest), ...rest };
}
