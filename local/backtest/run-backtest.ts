// A stage 7 backtest (spec 4.18): the deployed function's own cycle (runStage7Cycle, never a fork of it) run at
// every step of a replay clock over a dataset, on in-memory state, reading the market through the replay
// exchange; no AWS, no network. Each cycle is named as the scheduler names a firing at that time
// (`btcbot-<env>-stage7@<ISO time>`, cycleIdOf): client order ids, and with them the simulated rejects and
// partial fills, derive from the cycle id, so a backtest and a local run of the same data (`btcbot local
// --stages stage7 --dataset`) make the same orders and their fingerprints match.
//
// The seed changes no outcome: stage 7's only randomness derives from client order ids. It names the run
// (`run_id = bt-seed-<seed>` as the spec's, kept in the run-metric rows of the in-memory store) and is recorded
// in run.json and printed.
//
// Streamed: each completed cycle's record is appended to the run folder and added to the fingerprint at once;
// nothing per cycle is kept here. A cycle that throws (or does not complete) aborts the run: the partial file
// is removed and no run.json is written.
import { setImmediate } from 'node:timers/promises';
import { ManualClock } from '../../shared/adapters/clock/manual-clock';
import { SILENT_LOGGER } from '../../shared/adapters/logging/silent-logger';
import { createMemoryStateStores } from '../../shared/adapters/memory/state-stores';
import { changedParams, runRecordOf } from '../../shared/application/stage7/run-record';
import { runStage7Cycle, type Stage7CycleDeps } from '../../shared/application/stage7/run-stage7-cycle';
import type { Stage7CycleSettings } from '../../shared/application/stage7/stage7-settings';
import { BacktestError } from '../../shared/domain/errors';
import type { PairMetadata } from '../../shared/domain/exchange-rules';
import type { ReplayMarket } from '../replay/replay-market';
import { RunFingerprint } from './fingerprint';
import { ReplayExchange } from './replay-exchange';
import { RunFolderWriter, type Stage7RunMeta } from './run-folder';

export interface BacktestPlan {
  /** The dataset folder, recorded in run.json */
  readonly dataset: string;
  readonly out: string;
  /** The replay clock's first step and its bound (epoch ms, start <= end) */
  readonly startMs: number;
  readonly endMs: number;
  readonly stepSeconds: number;
  readonly seed: number;
  /** At most this many cycles */
  readonly cycles?: number | undefined;
  readonly includeAdaptation: boolean;
  /** Names the schedule the cycle ids carry: btcbot-<env>-stage7 */
  readonly env: string;
}

export interface BacktestParts {
  readonly market: ReplayMarket;
  readonly pairs: PairMetadata[];
  readonly settings: Stage7CycleSettings;
}

export interface BacktestHooks {
  /** After each completed cycle */
  readonly onCycle?: (done: number, total: number) => void;
  /** Aborted: the run stops before its next cycle and leaves nothing behind */
  readonly signal?: AbortSignal;
}

/** Cycles between two turns of the event loop: a long run stays interruptible (SIGINT) */
const YIELD_EVERY = 256;

/** Cycles the plan runs: every step from start through end, at most `cycles` */
export const plannedCycles = (p: Pick<BacktestPlan, 'startMs' | 'endMs' | 'stepSeconds' | 'cycles'>): number =>
  Math.min(Math.floor((p.endMs - p.startMs) / (p.stepSeconds * 1000)) + 1, p.cycles ?? Number.POSITIVE_INFINITY);

export const stage7CycleId = (env: string, atMs: number): string =>
  `btcbot-${env}-stage7@${new Date(atMs).toISOString()}`;

/**
 * Runs the plan and completes its run folder.
 * @throws BacktestError --out already holds a run, a cycle did not complete, asked for a private read or a
 *   write, or the run was aborted; whatever a cycle threw. The run folder then holds no run.
 */
export async function runBacktest(plan: BacktestPlan, parts: BacktestParts, hooks: BacktestHooks = {}) {
  const total = plannedCycles(plan);
  const stepMs = plan.stepSeconds * 1000;
  // autoAdvance as a local run's clock: a sleep inside a cycle (stage 7 has none) would move simulated time
  const clock = new ManualClock(plan.startMs, { autoAdvance: true });
  // a cycle's reads only: memory stays flat however long the replay (memory-stage7-store.ts, Stage7History)
  const stores = createMemoryStateStores('cycle');
  const exchange = new ReplayExchange(parts.market, clock, parts.pairs);
  const deps: Stage7CycleDeps = {
    settings: parts.settings,
    clock,
    exchange,
    leases: stores.leases,
    documents: stores.documents,
    ledger: stores.ledger,
    stage7: stores.stage7,
    log: SILENT_LOGGER,
  };
  if (total < 1) throw new BacktestError(`expected at least one cycle, the plan has ${total}`);
  const runId = `bt-seed-${plan.seed}`;
  const writer = new RunFolderWriter(plan.out);
  const fingerprint = new RunFingerprint({ includeAdaptation: plan.includeAdaptation });
  let paramChanges = 0;
  try {
    for (let done = 0; done < total; done += 1) {
      if (done % YIELD_EVERY === YIELD_EVERY - 1) await setImmediate();
      if (hooks.signal?.aborted) throw new BacktestError(`interrupted after ${done} of ${total} cycles`);
      const atMs = plan.startMs + done * stepMs;
      const cycleId = stage7CycleId(plan.env, atMs);
      if (clock.nowMs() > atMs) {
        throw new BacktestError(`${cycleId}: the previous cycle moved the clock past this step's time`);
      }
      clock.set(atMs);
      parts.market.advanceTo(atMs);
      const result = await runStage7Cycle(deps, {
        cycleId,
        scheduledAtMs: atMs,
        runId,
        invocationId: cycleId,
        includeAdaptation: plan.includeAdaptation,
      });
      if (exchange.refused.length > 0) {
        throw new BacktestError(`${cycleId}: asked the replay exchange for ${exchange.refused.join(', ')}`);
      }
      // each step is a new firing with its own id under a lease nobody else holds: anything else is a bug
      if (result.status !== 'completed')
        throw new BacktestError(`${cycleId}: expected completed, was ${result.status}`);
      const record = runRecordOf(cycleId, result);
      writer.append(record);
      fingerprint.add(record, cycleId);
      if (changedParams(record)) paramChanges += 1;
      hooks.onCycle?.(done + 1, total);
    }
    const meta: Stage7RunMeta = {
      kind: 'backtest',
      dataset: plan.dataset,
      seed: plan.seed,
      startedAt: new Date(plan.startMs).toISOString(),
      endedAt: new Date(plan.startMs + (total - 1) * stepMs).toISOString(),
      stepSeconds: plan.stepSeconds,
      cyclesRun: total,
      includeAdaptation: plan.includeAdaptation,
      paramChanges,
      fingerprint: fingerprint.digest(),
    };
    writer.finish(meta);
    return meta;
  } catch (e) {
    writer.abort();
    throw e;
  }
}
