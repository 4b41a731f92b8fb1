// One stage 7 cycle (spec 4.1-4.2, dry-run simulation only): preconditions (never live) -> the stage 7 lease
// -> the store's state (an interrupted write completed first) and the fills a saved cycle still owes the
// ledger -> active params -> public market reads -> risk budget v2 -> universe, portfolio plan, LIMIT intents,
// risk policy (cycle-plan.ts) -> the simulated OMS over the simulated account (cycle-oms.ts) -> fills, metrics
// and flags -> adaptation -> ONE store write -> ledger append -> kill chain. Any exception runs the kill chain
// and propagates. Re-running a cycle id already saved only completes its ledger append.
import { evaluateAndApply } from '../../domain/adaptation/adaptation';
import type { ParamChange } from '../../domain/adaptation/adaptation-model';
import { errorTypeOf } from '../../domain/adaptation/kill-chain';
import type { Stage7Fill } from '../../domain/ledger/stage7-fills';
import type { Dec } from '../../domain/money';
import type { Stage7OmsState } from '../../domain/oms/stage7-oms-state';
import type { Mode } from '../../domain/risk/mode';
import type { Clock } from '../../ports/clock';
import type { Exchange } from '../../ports/exchange';
import type { Logger } from '../../ports/logger';
import type { Stage7RunMetricsRow, Stage7Store } from '../../ports/stage7-store';
import type { DocumentStore, LeaseStore, LedgerStore } from '../../ports/state-store';
import { withFields } from '../log-fields';
import { observeError, stage7Observation } from '../runtime/cycle-observations';
import { withCycleRuntime } from '../runtime/cycle-runtime';
import { loadRules } from '../stage3/exchange-rules-cache';
import type { CycleInput } from '../stage3/run-stage3-cycle';
import { readDocuments } from './cycle-documents';
import { readStage7KillChain, recordKillChain, stage7KillSwitchOn } from './cycle-kill-chain';
import { appendOwedFills, cycleFills } from './cycle-ledger';
import { readStage7Market } from './cycle-market';
import { closingMarks, drawdownFromPeak, openingMarks, valuationMarks } from './cycle-marks';
import { cycleCounts, runMetricsRow } from './cycle-metrics';
import { executeStage7 } from './cycle-oms';
import { activeParams } from './cycle-params';
import { planStage7Cycle } from './cycle-plan';
import { assertStage7Preconditions, stage7LeaseName } from './cycle-preconditions';
import { decideStage7Risk, heldSymbols, valueAccount } from './cycle-risk';
import { cycleWrite, paramsWrite } from './cycle-save';
import type { Stage7CycleSettings } from './stage7-settings';

export interface Stage7CycleDeps {
  readonly settings: Stage7CycleSettings;
  readonly clock: Clock;
  /** Only public reads are made (tickers, exchange info) */
  readonly exchange: Exchange;
  readonly leases: LeaseStore;
  readonly documents: DocumentStore;
  readonly ledger: LedgerStore;
  readonly stage7: Stage7Store;
  readonly log: Logger;
}

export interface Stage7CycleInput extends CycleInput {
  /** Spec 4.1 `--include-adaptation` (default on) */
  readonly includeAdaptation?: boolean;
}

export type Stage7CycleResult =
  | { readonly status: 'locked' }
  /** The firing is older than CYCLE_MAX_EVENT_AGE_SECONDS: nothing was read or written */
  | { readonly status: 'expired' }
  | { readonly status: 'already_saved'; readonly ledgerEventsAppended: number }
  | {
      readonly status: 'completed';
      readonly finalMode: Mode;
      /** The risk budget's reasons (spec 4.4), `OK` when none */
      readonly riskReasons: readonly string[];
      /** The params version active after adaptation (row.paramVersion is the one the cycle ran under) */
      readonly activeParamVersion: number;
      /** The change adaptation recorded this cycle (applied, refused or rolled back), if any */
      readonly paramChange: ParamChange | undefined;
      /** The symbols the cycle planned over (spec 4.2 step 9: the selection, else the configured symbols) */
      readonly universe: readonly string[];
      /** This cycle's marks (ticker mids) by canonical symbol; a symbol the read missed is absent */
      readonly marks: ReadonlyMap<string, Dec>;
      /** The fills this cycle's passes made (what its ledger events record) */
      readonly fills: readonly Stage7Fill[];
      readonly row: Stage7RunMetricsRow;
      readonly ledgerEventsAppended: number;
    };

/**
 * Runs the cycle and records its walk through the runtime machine (spec 9.2.11) once it has ended.
 * @throws Stage7RefusedError live armed, not dry-run or disabled (nothing else is read or written)
 */
export function runStage7Cycle(base: Stage7CycleDeps, input: Stage7CycleInput): Promise<Stage7CycleResult> {
  return withCycleRuntime(
    base,
    { role: 'stage7', account: base.settings.BOT_ACCOUNT, ...input },
    (leases) => stage7Cycle({ ...base, leases }, input),
    { result: stage7Observation, error: observeError },
  );
}

async function stage7Cycle(base: Stage7CycleDeps, input: Stage7CycleInput): Promise<Stage7CycleResult> {
  const s = base.settings;
  assertStage7Preconditions(s);
  const log = withFields(base.log, { cycle_id: input.cycleId, run_id: input.runId, request_id: input.invocationId });
  const deps = { ...base, log };
  const account = s.BOT_ACCOUNT;
  const startedAtMs = deps.clock.nowMs();
  const ageMs = input.scheduledAtMs === undefined ? 0 : startedAtMs - input.scheduledAtMs;
  if (ageMs > s.CYCLE_MAX_EVENT_AGE_SECONDS * 1000) {
    log.warn('stage 7 firing too old; no cycle', { age_ms: ageMs });
    return { status: 'expired' };
  }
  const lease = await deps.leases.acquire(
    stage7LeaseName(account),
    input.invocationId,
    s.LEASE_TTL_SECONDS * 1000,
    startedAtMs,
  );
  if (!lease) {
    log.info('Another stage 7 invocation holds the lease; exiting');
    return { status: 'locked' };
  }
  try {
    const { result, apiHealthy } = await cycleUnderLease(
      deps,
      input,
      { name: lease.name, epoch: lease.epoch },
      startedAtMs,
    );
    await recordKillChain(deps.documents, account, { kind: 'succeeded', apiHealthy }, deps.clock.nowMs(), s);
    return result;
  } catch (e) {
    await recordKillChain(
      deps.documents,
      account,
      { kind: 'failed', errorType: errorTypeOf(e) },
      deps.clock.nowMs(),
      s,
    ).catch((k) => log.error('stage 7 kill chain could not be recorded', { error: String(k) }));
    throw e;
  } finally {
    await deps.leases.release(lease);
  }
}

async function cycleUnderLease(
  deps: Stage7CycleDeps,
  input: Stage7CycleInput,
  fence: { readonly name: string; readonly epoch: number },
  startedAtMs: number,
): Promise<{ result: Stage7CycleResult; apiHealthy: boolean }> {
  const { settings: s, clock, log } = deps;
  const account = s.BOT_ACCOUNT;
  const state = await deps.stage7.load(account, fence);
  const docs = readDocuments(state, s.DRY_RUN_TRY_BALANCE);
  const owedAppended = docs.owed
    ? await appendOwedFills(deps.stage7, deps.ledger, account, docs.owed.clientOrderIds, s.STAGE7_FEES_BPS)
    : 0;
  if (state.runMetrics.some((r) => r.cycleId === input.cycleId)) {
    log.info('stage 7 cycle already saved; its ledger append completed', { ledger_events: owedAppended });
    return { result: { status: 'already_saved', ledgerEventsAppended: owedAppended }, apiHealthy: true };
  }
  const nowMs = clock.nowMs();
  const active = activeParams(state.params, s, nowMs);
  const rs = active.settings;
  // stage 7's own kill switch (spec 4.17, the role's): the SSM and op-state switches guard live orders, and
  // stage 7 sends none (spec 4.1 neutralises them)
  const storedKillSwitch = stage7KillSwitchOn((await readStage7KillChain(deps.documents, account)).chain, nowMs);
  const market = await readStage7Market(deps.exchange, s.SYMBOLS, nowMs, rs.STAGE7_MAX_DATA_AGE_SEC);
  const latest = state.runMetrics[0];
  const opening = openingMarks(docs.marks, latest, nowMs, s.DRY_RUN_TRY_BALANCE);
  // a held symbol this read missed is valued at its last mark, never at 0; nothing trades on it (exec below)
  const pricedAt = valuationMarks(opening, market.marks);
  const valuation = valueAccount(docs.account, pricedAt, rs.STAGE7_UNIVERSE_QUOTE_CCY);
  const unmarked = heldSymbols(valuation).filter((symbol) => !market.marks.has(symbol));
  const risk = decideStage7Risk(
    { nowMs, market, latest, marks: opening, previous: docs.previousRisk, storedKillSwitch, valuation },
    rs,
  );
  const rules = await loadRules(deps.exchange, rs, false);
  const planning = planStage7Cycle(
    {
      cycleId: input.cycleId,
      nowMs,
      market,
      previousUniverse: docs.previousUniverse,
      risk: risk.decision,
      rulesFor: rules.rules,
      account: docs.account,
      positions: valuation.positions,
    },
    rs,
  );
  const ids = planning.intents.map((i) => i.clientOrderId);
  const omsState = mergeOms(state.oms, await deps.stage7.loadOrders(account, ids));
  const exec = executeStage7(
    {
      nowMs,
      intents: planning.intents,
      state: omsState,
      account: docs.account,
      tokenBucket: state.documents.tokenBucket.value,
      marks: market.marks,
      submit: planning.finalMode !== 'OBSERVE_ONLY',
    },
    rs,
  );
  const fills = cycleFills(account, exec, rs.STAGE7_FEES_BPS);
  const counts = cycleCounts(planning.intents, exec, unmarked.length);
  const closing = valueAccount(exec.account, pricedAt, rs.STAGE7_UNIVERSE_QUOTE_CCY);
  const equityTry = closing.equityTry;
  const marks = closingMarks(opening, nowMs, {
    equityTry,
    feesTry: fills.feesTry,
    held: heldSymbols(closing),
    marks: pricedAt,
  });
  const row = runMetricsRow(
    {
      cycleId: input.cycleId,
      runId: input.runId,
      nowMs,
      paramVersion: active.params.version,
      finalMode: planning.finalMode,
      counts,
      dataAgeMs: market.dataAgeMs,
      spreadBps: market.spreadBps,
      equityTry,
      drawdownRatio: drawdownFromPeak(marks, equityTry),
      fills,
      latest,
      storedKillSwitch,
      totalMs: clock.nowMs() - startedAtMs,
    },
    rs,
  );
  const adaptation =
    input.includeAdaptation === false
      ? undefined
      : evaluateAndApply(
          { active: active.params, rows: [row, ...state.runMetrics], checkpoints: active.checkpoints, nowMs },
          rs,
        ).writes;
  const filledClientOrderIds = fills.fills.map((f) => f.clientOrderId);
  await deps.stage7.saveCycle(
    cycleWrite({
      account,
      cycleId: input.cycleId,
      state,
      exec,
      planning,
      risk,
      row,
      filledClientOrderIds,
      marks,
      params: paramsWrite(state, active, adaptation),
    }),
    fence,
  );
  const appended = fills.events.length > 0 ? await deps.ledger.append(fills.events) : 0;
  log.info('cycle_summary', {
    role: 'STAGE7',
    dry_run: true,
    mode: planning.finalMode,
    risk_reasons: risk.decision.reasons.join(','),
    intents_planned: counts.planned,
    intents_skipped: counts.skipped,
    orders_submitted: counts.omsSubmitted,
    orders_filled: counts.omsFilled,
    orders_rejected: counts.omsRejected,
    fees_try: fills.feesTry.toFixed(),
    kill_switch: storedKillSwitch ? 'killed' : 'normal',
    latency_ms: clock.nowMs() - startedAtMs,
  });
  return {
    result: {
      status: 'completed',
      finalMode: planning.finalMode,
      riskReasons: risk.decision.reasons,
      activeParamVersion: adaptation?.activeParams?.version ?? active.params.version,
      paramChange: adaptation?.change,
      universe: planning.symbols,
      marks: market.marks,
      fills: fills.fills,
      row,
      ledgerEventsAppended: owedAppended + appended,
    },
    apiHealthy: !market.degraded,
  };
}

function mergeOms(a: Stage7OmsState, b: Stage7OmsState): Stage7OmsState {
  return {
    orders: new Map([...a.orders, ...b.orders]),
    events: new Map([...a.events, ...b.events]),
    idempotency: new Map([...a.idempotency, ...b.idempotency]),
  };
}
