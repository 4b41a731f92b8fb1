// The local schedule in simulated time: one EventBridge Scheduled Event per interval to the stage 3
// handler, reconcile messages routed after each cycle, the market advanced to the next firing. After the
// last cycle (or a stop request) reconcile keeps being routed until the queue is empty or a bound is hit.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Stage3CycleResult } from '../../shared/application/stage3/run-stage3-cycle';
import { lambdaContext } from './lambda-context';
import type { LocalRunOptions } from './options';
import type { RouteResult } from './reconcile-router';
import { SQS_VISIBILITY_TIMEOUT_MS } from './sqs-router';
import { positionsOf, valuate } from './valuation';
import type { LocalWorld } from './world';

export interface CycleRecord {
  readonly index: number;
  readonly cycleId: string;
  readonly timeIso: string;
  readonly stage: 'stage3';
  readonly status: Stage3CycleResult['status'] | 'error';
  readonly mode: Stage3CycleResult['mode'] | 'ERROR';
  readonly counters: Stage3CycleResult['counters'] | undefined;
  /** UNKNOWN journal entries after the cycle and its reconcile routing */
  readonly unknown: number;
  readonly fills: number;
  readonly equity: string;
  readonly pnl: string;
  readonly reconcile: RouteResult;
  readonly error?: string;
}

export interface ScheduleResult {
  readonly cycles: CycleRecord[];
  readonly drain: { readonly rounds: number; readonly left: number };
  readonly deadLetters: number;
  readonly stoppedEarly: boolean;
}

export interface ScheduleHooks {
  onCycle(record: CycleRecord): void;
  shouldStop(): boolean;
}

const scheduledEvent = (id: string, timeIso: string) => ({
  version: '0',
  id,
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  account: '000000000000',
  time: timeIso,
  region: 'local',
  resources: ['arn:aws:scheduler:local:000000000000:schedule/default/btcbot-local-stage3'],
  detail: {},
});

async function invokeStage3(world: LocalWorld, cycleId: string, timeIso: string) {
  try {
    return { result: await world.stage3(scheduledEvent(cycleId, timeIso), lambdaContext('btcbot-stage3', cycleId)) };
  } catch (e) {
    return { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

export async function runSchedule(
  world: LocalWorld,
  options: LocalRunOptions,
  hooks: ScheduleHooks,
): Promise<ScheduleResult> {
  const router = world.router;
  const account = world.config.BOT_ACCOUNT;
  const startMs = world.clock.nowMs();
  const cycles: CycleRecord[] = [];
  let stoppedEarly = false;
  for (let index = 0; index < options.cycles; index += 1) {
    if (hooks.shouldStop()) {
      stoppedEarly = true;
      break;
    }
    const cycleId = `local-${options.seed}-${String(index + 1).padStart(4, '0')}`;
    const timeIso = new Date(world.clock.nowMs()).toISOString();
    const invoked = await invokeStage3(world, cycleId, timeIso);
    const reconcile = await router.route();
    const counts = await world.stores.journal.countByStatus(account);
    const value = valuate(world.sim.control.state(), await positionsOf(world, account));
    const record: CycleRecord = {
      index: index + 1,
      cycleId,
      timeIso,
      stage: 'stage3',
      status: invoked.result?.status ?? 'error',
      mode: invoked.result?.mode ?? 'ERROR',
      counters: invoked.result?.counters,
      unknown: counts.UNKNOWN,
      fills: invoked.result?.counters.fillsInserted ?? 0,
      equity: value.equity.toFixed(2),
      pnl: value.pnl.toFixed(2),
      reconcile,
      ...(invoked.error ? { error: invoked.error } : {}),
    };
    cycles.push(record);
    hooks.onCycle(record);
    if (index + 1 === options.cycles) break;
    if (options.speed > 0) await sleep(options.intervalMs / options.speed);
    const nextMs = startMs + (index + 1) * options.intervalMs;
    world.sim.control.advanceMarket(Math.max(0, nextMs - world.clock.nowMs()));
  }
  let rounds = 0;
  while ((await router.pending()) > 0 && rounds < options.drainRounds) {
    rounds += 1;
    world.sim.control.advanceMarket(
      Math.max(world.config.RECONCILE_RETRY_DELAY_SECONDS * 1000, SQS_VISIBILITY_TIMEOUT_MS),
    );
    await router.awaitRetry();
    await router.route();
  }
  return {
    cycles,
    drain: { rounds, left: await router.pending() },
    deadLetters: await router.deadLetters(),
    stoppedEarly,
  };
}
