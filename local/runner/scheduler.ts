// The local schedule in simulated time: every interval, one EventBridge Scheduled Event to each selected
// stage's handler (stage 3, stage 4, then stage 7), reconcile messages routed after each trading cycle, the
// duplicate checks judged, then the market advanced to the next firing. A trading stage's record values its
// own bot's account (stage 3 and stage 4 trade two accounts). Stage 7 only simulates (no journal
// order, no reconcile message), so its cycles route nothing. After the last cycle (or a stop request)
// reconcile keeps being routed until the queue is empty or a bound is hit.
import { setTimeout as sleep } from 'node:timers/promises';
import { monitorReads } from '../../shared/application/exchange-read-monitor';
import type { Stage3CycleResult } from '../../shared/application/stage3/run-stage3-cycle';
import type { Stage4CycleResult } from '../../shared/application/stage4/run-stage4-cycle';
import type { StageName } from '../../shared/domain/ids';
import type { JournalStatus } from '../../shared/domain/order-state';
import { cycleIdOf, parseScheduledEvent } from '../../shared/lambda/scheduled-event';
import type { JournalOrder } from '../../shared/ports/state-store';
import { lambdaContext } from './lambda-context';
import type { LocalRunOptions, LocalStage } from './options';
import type { RouteResult } from './reconcile-router';
import { SQS_VISIBILITY_TIMEOUT_MS } from './sqs-router';
import { type Stage7CycleRecord, stage7Record } from './stage7-record';
import { positionsOf, valuate } from './valuation';
import type { LocalWorld } from './world';

/** What a trading stage's record (stage 3, stage 4) holds: the cycle, then the venue account after it */
interface CycleRecordBase {
  /** The simulated minute, from 1; each selected stage has one record per minute */
  readonly index: number;
  /** The bot account the stage trades (its BOT_ACCOUNT and simulator account) */
  readonly account: string;
  readonly cycleId: string;
  readonly timeIso: string;
  readonly status: Stage3CycleResult['status'] | 'error';
  readonly mode: Stage3CycleResult['mode'] | 'ERROR';
  /** UNKNOWN journal entries after the cycle and its reconcile routing */
  readonly unknown: number;
  readonly fills: number;
  /** The bot's simulator account at mid marks after the cycle, TRY */
  readonly equity: string;
  /** The bot's realized + unrealized PnL (its ledger's average-cost positions), TRY */
  readonly pnl: string;
  readonly reconcile: RouteResult;
  /** Journal entries the reconcile routing after the cycle settled (out of UNKNOWN, PENDING_SUBMIT, CANCEL_REQUESTED) */
  readonly reconciled: number;
  readonly error?: string;
}

export interface Stage3CycleRecord extends CycleRecordBase {
  readonly stage: 'stage3';
  readonly counters: Stage3CycleResult['counters'] | undefined;
  /** The cycle's decision codes: why an intent was blocked (`risk_block:min_notional`...), observe-only reasons */
  readonly decisions: readonly string[];
}

export interface Stage4CycleRecord extends CycleRecordBase {
  readonly stage: 'stage4';
  readonly counters: Stage4CycleResult['counters'] | undefined;
  readonly execution: Stage4CycleResult['execution'];
  readonly decisions: readonly string[];
  readonly reasonsNoAction: readonly string[];
  readonly riskMode: Stage4CycleResult['riskMode'];
  readonly freezeActive: boolean;
}

export type TradingCycleRecord = Stage3CycleRecord | Stage4CycleRecord;
export type CycleRecord = TradingCycleRecord | Stage7CycleRecord;

export const isTradingRecord = (r: CycleRecord): r is TradingCycleRecord => r.stage !== 'stage7';

export interface ScheduleResult {
  readonly cycles: CycleRecord[];
  readonly drain: { readonly rounds: number; readonly left: number };
  readonly deadLetters: number;
  /** Journal entries reconcile settled over the whole run (after cycles and while draining), by their stage */
  readonly reconciled: Readonly<Record<StageName, number>>;
  readonly stoppedEarly: boolean;
}

export interface ScheduleHooks {
  onCycle(record: CycleRecord): void;
  shouldStop(): boolean;
}

/** What reconcile may settle: an uncertain submit, a submit not yet answered, a cancel not yet seen done */
const AWAITING_RECONCILE: readonly JournalStatus[] = ['UNKNOWN', 'PENDING_SUBMIT', 'CANCEL_REQUESTED'];

const scheduledEvent = (stage: LocalStage, id: string, timeIso: string) => ({
  version: '0',
  id,
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  account: '000000000000',
  time: timeIso,
  region: 'local',
  resources: [`arn:aws:scheduler:local:000000000000:schedule/default/btcbot-local-${stage}`],
  detail: {},
});

type Invoked<R> = { readonly result?: R; readonly error?: string };

async function invoke<R>(
  handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<R>,
  functionName: string,
  event: ReturnType<typeof scheduledEvent>,
): Promise<Invoked<R>> {
  try {
    return { result: await handler(event, lambdaContext(functionName, event.id)) };
  } catch (e) {
    return { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/** Routes reconcile once (every bot's messages); @returns what was routed and the entries it settled */
async function routeReconcile(world: LocalWorld): Promise<{ route: RouteResult; settled: JournalOrder[] }> {
  const awaiting: JournalOrder[] = [];
  for (const bot of Object.values(world.bots)) {
    awaiting.push(...(await world.stores.journal.listByStatus(bot.account, AWAITING_RECONCILE)));
  }
  const route = await world.router.route();
  if (route.delivered === 0) return { route, settled: [] };
  const settled: JournalOrder[] = [];
  for (const before of awaiting) {
    const after = await world.stores.journal.get(before.account, before.clientOrderId);
    if (after !== undefined && after.status !== before.status) settled.push(after);
  }
  return { route, settled };
}

interface CycleOutcome {
  readonly status: Stage3CycleResult['status'];
  readonly mode: Stage3CycleResult['mode'];
  readonly counters: { readonly fillsInserted: number };
}

/** What a trading stage's record holds: the cycle's outcome, then reconcile, the duplicate checks and its books */
async function afterCycle(
  world: LocalWorld,
  account: string,
  at: Pick<CycleRecordBase, 'index' | 'cycleId' | 'timeIso'>,
  invoked: Invoked<CycleOutcome>,
): Promise<{ base: CycleRecordBase; settled: JournalOrder[] }> {
  const { route, settled } = await routeReconcile(world);
  await world.duplicates.judge();
  const counts = await world.stores.journal.countByStatus(account);
  const value = valuate(world.sim.control.state(), await positionsOf(world, account), account);
  const base: CycleRecordBase = {
    ...at,
    account,
    status: invoked.result?.status ?? 'error',
    mode: invoked.result?.mode ?? 'ERROR',
    unknown: counts.UNKNOWN,
    fills: invoked.result?.counters.fillsInserted ?? 0,
    equity: value.equity.toFixed(2),
    pnl: value.pnl.toFixed(2),
    reconcile: route,
    reconciled: settled.length,
    ...(invoked.error ? { error: invoked.error } : {}),
  };
  return { base, settled };
}

async function runStageCycle(
  world: LocalWorld,
  stage: LocalStage,
  index: number,
  options: LocalRunOptions,
): Promise<{ record: CycleRecord; settled: JournalOrder[] }> {
  const eventId = `local-${options.seed}-${stage}-${String(index).padStart(4, '0')}`;
  const timeIso = new Date(world.clock.nowMs()).toISOString();
  const event = scheduledEvent(stage, eventId, timeIso);
  // the id the handler derives from the event, which its journal orders and stage 7 rows carry
  const at = { index, cycleId: cycleIdOf(parseScheduledEvent(event)), timeIso };
  if (stage === 'stage7') {
    const requests = monitorReads(world.stage7Exchange);
    const invoked = await invoke(world.stage7, 'btcbot-stage7', event);
    return { record: stage7Record(at, invoked, requests.requests()), settled: [] };
  }
  const account = world.bots[stage].account;
  if (stage === 'stage3') {
    const invoked = await invoke(world.stage3, 'btcbot-stage3', event);
    const { base, settled } = await afterCycle(world, account, at, invoked);
    const decisions = invoked.result?.decisions ?? [];
    return { record: { ...base, stage, counters: invoked.result?.counters, decisions }, settled };
  }
  const invoked = await invoke(world.stage4, 'btcbot-stage4', event);
  const { base, settled } = await afterCycle(world, account, at, invoked);
  const result = invoked.result;
  const record: Stage4CycleRecord = {
    ...base,
    stage,
    counters: result?.counters,
    execution: result?.execution,
    decisions: result?.decisions ?? [],
    reasonsNoAction: result?.reasonsNoAction ?? [],
    riskMode: result?.riskMode,
    freezeActive: result?.freezeActive ?? false,
  };
  return { record, settled };
}

export async function runSchedule(
  world: LocalWorld,
  options: LocalRunOptions,
  hooks: ScheduleHooks,
): Promise<ScheduleResult> {
  const router = world.router;
  const startMs = world.clock.nowMs();
  const cycles: CycleRecord[] = [];
  const reconciled: Record<StageName, number> = { stage3: 0, stage4: 0, stage7: 0 };
  const count = (settled: readonly JournalOrder[]) => {
    for (const o of settled) reconciled[o.stage] += 1;
  };
  let stoppedEarly = false;
  for (let index = 1; index <= options.cycles; index += 1) {
    if (hooks.shouldStop()) {
      stoppedEarly = true;
      break;
    }
    for (const stage of options.stages) {
      const { record, settled } = await runStageCycle(world, stage, index, options);
      count(settled);
      cycles.push(record);
      hooks.onCycle(record);
    }
    if (index === options.cycles) break;
    if (options.speed > 0) await sleep(options.intervalMs / options.speed);
    const nextMs = startMs + index * options.intervalMs;
    world.sim.control.advanceMarket(Math.max(0, nextMs - world.clock.nowMs()));
  }
  let rounds = 0;
  while ((await router.pending()) > 0 && rounds < options.drainRounds) {
    rounds += 1;
    world.sim.control.advanceMarket(
      Math.max(world.config.RECONCILE_RETRY_DELAY_SECONDS * 1000, SQS_VISIBILITY_TIMEOUT_MS),
    );
    await router.awaitRetry();
    count((await routeReconcile(world)).settled);
  }
  await world.duplicates.judge();
  return {
    cycles,
    drain: { rounds, left: await router.pending() },
    deadLetters: await router.deadLetters(),
    reconciled,
    stoppedEarly,
  };
}
