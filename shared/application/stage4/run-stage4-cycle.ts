// One stage 4 cycle (spec 3.2 with the section 9 fixes), step by step: arming gates (dry-run by default) ->
// the account's trading lease (every journal and replace write fenced by it) -> market snapshot and marks ->
// account snapshot (recovery, refresh with foreign orders imported, fills into the ledger, projection) ->
// the unknown-order freeze -> the 1123 breaker -> capital checkpoint, risk budget, anomalies and degrade
// (cycle-risk.ts) -> decisions (cycle-decide.ts) -> execution by the order safety protocol, open replace
// transactions first, each write re-checking the gates -> degrade decided again with the rejects execution
// counted -> state documents saved (cycle-save.ts) -> audit (cycle-audit.ts).
import { armingInputsOf, evaluateArming } from '../../domain/arming';
import { actionDecision, type Decision } from '../../domain/decision';
import { StaleLeaseError } from '../../domain/errors';
import type { ExchangeRules } from '../../domain/exchange-rules';
import { ledgerReport } from '../../domain/ledger/ledger-report';
import { emptyLedgerState } from '../../domain/ledger/ledger-state';
import { evaluateFreeze } from '../../domain/oms/unknown-order-freeze';
import type { ReplaceTransactionStore, SymbolCooldown, SymbolCooldownStore } from '../../ports/state-store';
import { withFields } from '../log-fields';
import { marketSnapshot } from '../market-snapshot';
import { loadOpState } from '../op-state';
import { observeError, type Stage4Run, stage4Observation } from '../runtime/cycle-observations';
import { withCycleRuntime } from '../runtime/cycle-runtime';
import { loadRules } from '../stage3/exchange-rules-cache';
import type { CycleInput, CycleMode, Stage3Deps } from '../stage3/run-stage3-cycle';
import type { Stage3Settings } from '../stage3/stage3-settings';
import { tradingLeaseName } from '../trading-lease';
import {
  type BreakerState,
  type CycleOutcome,
  recordStage4Cycle,
  type Stage4CycleCounters,
  type Stage4CycleResult,
} from './cycle-audit';
import { decideCycle } from './cycle-decide';
import { type CycleRiskInput, decideCycleRisk, degradeAfterExecution } from './cycle-risk';
import { saveCycleState } from './cycle-save';
import { accountSnapshot } from './cycle-snapshot';
import { type DynamicUniverseSettings, readCycleUniverse } from './cycle-universe';
import { executeSimulated } from './dry-run/execute-simulated';
import { simulatedOpenViews } from './dry-run/simulated-orders';
import { loadSimulatedOrders } from './dry-run/simulated-orders-state';
import { executeStage4Actions } from './execute-actions';
import { stage4WriteGates } from './execute-actions-gates';
import type { Stage4Settings } from './stage4-settings';
import { loadStage4State } from './state/load-stage4-state';
import { saveUniverseState } from './state/universe-state';

export type { Stage4CycleCounters, Stage4CycleResult } from './cycle-audit';

export type Stage4CycleSettings = Stage3Settings & Stage4Settings & DynamicUniverseSettings;

export interface Stage4CycleDeps extends Omit<Stage3Deps, 'settings'> {
  readonly settings: Stage4CycleSettings;
  readonly replaceTransactions: ReplaceTransactionStore;
  readonly cooldowns: SymbolCooldownStore;
}

/** Runs the cycle and records its walk through the runtime machine (spec 9.2.11) once it has ended */
export async function runStage4Cycle(base: Stage4CycleDeps, input: CycleInput): Promise<Stage4CycleResult> {
  const run = await withCycleRuntime(
    base,
    { role: 'stage4', account: base.settings.BOT_ACCOUNT, ...input },
    (leases) => stage4Cycle({ ...base, leases }, input),
    { result: stage4Observation, error: observeError },
  );
  return run.result;
}

async function stage4Cycle(base: Stage4CycleDeps, input: CycleInput): Promise<Stage4Run> {
  const log = withFields(base.log, { cycle_id: input.cycleId, run_id: input.runId, request_id: input.invocationId });
  const deps: Stage4CycleDeps = { ...base, log };
  const { settings: s, clock } = deps;
  const account = s.BOT_ACCOUNT;
  const startedAtMs = clock.nowMs();
  const counters: Stage4CycleCounters = { planned: 0, actions: 0, recovered: 0, fillsInserted: 0, imported: 0 };
  const parameterOn = await deps.killSwitch.isOn().catch(() => true);
  const opState = await loadOpState(deps.documents, account);
  const killSwitchOn = parameterOn || opState.killSwitchOn;
  const inputs = armingInputsOf(s, killSwitchOn);
  // the kill switch stops SUBMITs only: CANCELs still go out (spec 3.17), so it is left out of the arming
  const arming = evaluateArming({ ...inputs, killSwitch: false });
  const killSwitchSource = s.SAFE_MODE
    ? 'SAFE_MODE'
    : s.KILL_SWITCH
      ? 'KILL_SWITCH'
      : parameterOn
        ? 'parameter'
        : opState.killSwitchOn
          ? 'op_state'
          : undefined;
  const finish = async (outcome: CycleOutcome): Promise<Stage4Run> => ({
    result: await recordStage4Cycle(deps, { ...input, account, startedAtMs, killSwitchOn }, counters, outcome),
    killSwitchApplied: killSwitchSource !== undefined && arming.allowed,
    ...(outcome.journalCounts ? { journalCounts: outcome.journalCounts } : {}),
  });

  const ageMs = input.scheduledAtMs === undefined ? 0 : startedAtMs - input.scheduledAtMs;
  if (ageMs > s.CYCLE_MAX_EVENT_AGE_SECONDS * 1000)
    return finish({ status: 'expired', mode: 'BLOCKED', decisions: ['cycle:event_too_old'] });
  if (!inputs.dryRun && !arming.allowed) {
    deps.log.warn(arming.message, { reasons: arming.reasons });
    return finish({ status: 'blocked', mode: 'BLOCKED', decisions: [...arming.reasonCodes] });
  }
  const live = arming.allowed;
  const mode: CycleMode = live ? 'LIVE' : 'DRY_RUN';
  const lease = await deps.leases.acquire(
    tradingLeaseName(account),
    input.invocationId,
    s.LEASE_TTL_SECONDS * 1000,
    clock.nowMs(),
  );
  if (!lease) {
    deps.log.info('Another trading invocation holds the account lease; exiting');
    const result: Stage4CycleResult = {
      status: 'locked',
      mode,
      counters,
      decisions: ['lease_held_elsewhere'],
      reasonsNoAction: ['lease_held_elsewhere'],
      freezeActive: false,
      killSwitchOn,
    };
    return { result, killSwitchApplied: false };
  }
  const fence = { name: lease.name, epoch: lease.epoch };
  try {
    const market = await marketSnapshot(deps.exchange, s.SYMBOLS, () => clock.nowMs(), s.MAX_MARKET_DATA_AGE_MS);
    if (market.stale || market.missingSymbols.length > 0) {
      deps.log.warn('market_data_stale_fail_closed', { missing_symbols: market.missingSymbols });
      return await finish({ status: 'stale_market_data', mode, decisions: ['market_data:stale'] });
    }
    const marks = new Map([...market.tops].map(([symbol, top]) => [symbol, top.bid]));
    const mids = new Map([...market.tops].map(([symbol, top]) => [symbol, top.bid.add(top.ask).div(2)]));
    const loaded = await loadRules(deps.exchange, s, live);
    const rules = new Map<string, ExchangeRules>();
    for (const symbol of s.SYMBOLS) {
      const r = loaded.rules(symbol);
      if (r) rules.set(symbol, r);
    }
    const state = await loadStage4State(deps.documents, account);
    // dry-run's simulated order rows (spec 3.18 step 9) stand in for the account's resting orders
    const simulated = live ? undefined : await loadSimulatedOrders(deps.documents, account);
    const simulatedOpen = simulatedOpenViews(simulated?.value ?? []);
    const universe = await readCycleUniverse(deps.exchange, state.universe.value, live, s, clock.nowMs());
    const decisions: (string | Decision)[] = [];
    const snapshot = live ? await accountSnapshot(deps, input.cycleId, fence, marks) : undefined;
    let freeze = state.freeze.value;
    if (snapshot) {
      counters.recovered = snapshot.recovered;
      counters.fillsInserted = snapshot.fillsInserted;
      counters.imported = snapshot.imported.length;
      decisions.push(...snapshot.decisions);
      const evaluation = evaluateFreeze(
        freeze,
        {
          nowMs: clock.nowMs(),
          ordersWithoutClientId: [],
          importedExternal: snapshot.imported,
          mismatches: snapshot.conflicts,
        },
        s,
      );
      freeze = evaluation.state;
      if (evaluation.activated)
        deps.log.error('Stage 4 unknown-order freeze activated', { reason: freeze.active?.reason });
    }
    const nowMs = clock.nowMs();
    // read once: the breaker now, and the execution's 1123 gate later
    const cooldownsRead = deps.cooldowns.active(Math.floor(nowMs / 1000));
    const breaker = await breakerOf(cooldownsRead, s.SYMBOLS);
    if (breaker.state === 'unreadable') decisions.push('breaker:cooldowns_unreadable');
    const ledger = snapshot?.ledger ?? emptyLedgerState();
    // dry-run reads no account: its synthetic balance never reaches a live decision or a saved state
    const cashTry = snapshot?.cashTry ?? s.DRY_RUN_TRY_BALANCE;
    const totalTry = snapshot?.totalTry ?? s.DRY_RUN_TRY_BALANCE;
    const report = snapshot?.report ?? ledgerReport(ledger, marks, totalTry, nowMs);
    const riskInput: CycleRiskInput = {
      cycleId: input.cycleId,
      nowMs,
      live,
      symbols: s.SYMBOLS,
      ledger,
      report,
      marks,
      totalTry,
      marketDataAgeMs: new Map(
        [...market.tops].map(([symbol, q]) => [symbol, nowMs - Math.min(q.receivedAtMs, q.stampedAtMs)]),
      ),
      cycleDurationMs: nowMs - startedAtMs,
      fillCursors: snapshot?.fillCursors ?? new Map(),
      freezeActive: freeze.active !== undefined,
      breakerOpen: breaker.state === 'open',
      stored: {
        capital: state.capital.value,
        risk: state.risk.value,
        degrade: state.degrade.value,
        cursorStalls: state.cursorStalls.value,
        degradeOverride: state.degradeOverride.value,
      },
    };
    const risk = decideCycleRisk(riskInput, s);
    decisions.push(...risk.decisions);
    const decided = decideCycle(
      {
        account,
        cycleId: input.cycleId,
        nowMs,
        symbols: s.SYMBOLS,
        rules,
        marks,
        mids,
        positions: snapshot?.positions ?? new Map(),
        cashTry,
        ownOpen: snapshot?.ownOpen ?? simulatedOpen,
        allOpen: snapshot?.allOpen ?? simulatedOpen,
        ...(universe ? { universe } : {}),
        realizedTodayTry: report.today.realizedTry,
        drawdownPct: risk.drawdownPct,
        multiplier: risk.multiplier,
        mode: risk.mode,
        degrade: {
          buyQtyShrinkFactor: risk.degrade.policy.buyShrinkFactor,
          universeCap: risk.degrade.policy.universeCap,
        },
        // a dry run shows what the strategy would do, as stage 3's does: the kill switch guards live writes
        ...(killSwitchSource && live ? { killSwitch: { source: killSwitchSource } } : {}),
        ...(freeze.active ? { freeze: { reason: freeze.active.reason } } : {}),
      },
      s,
    );
    if (killSwitchSource && !live)
      decisions.push({
        layer: 'kill_switch',
        code: `not_applied_in_dry_run:${killSwitchSource}`,
        action: 'ACCEPT',
        scope: 'global',
      });
    counters.planned = decided.planned;
    counters.actions = decided.actions.length;
    const balancesFailed = snapshot?.balancesFailed ?? false;
    // 9.1.8: without the account's cash the cycle only sells and cancels
    const actions = decided.actions.filter((a) => !(balancesFailed && a.kind === 'SUBMIT' && a.side === 'BUY'));
    const sellOnly = decided.actions
      .filter((a) => !actions.includes(a))
      .map((a) => actionDecision('account', a, 'BLOCK', 'sell_only:balances_unavailable'));
    const executed = simulated
      ? await executeSimulated(deps.documents, account, simulated, actions, nowMs, market.tops)
      : await executeStage4Actions(
          {
            ...deps,
            gates: stage4WriteGates(
              {
                settings: s,
                killSwitch: deps.killSwitch,
                storedKillSwitchOn: async () => (await loadOpState(deps.documents, account)).killSwitchOn,
                leases: deps.leases,
                fence,
                clock,
              },
              s.KILL_SWITCH_FREEZE_ALL,
            ),
            // the breaker's read serves the execution's 1123 gate too
            cooldowns: { recordReject: (...args) => deps.cooldowns.recordReject(...args), active: () => cooldownsRead },
          },
          actions,
          {
            account,
            cycleId: input.cycleId,
            fence,
            freezeActive: freeze.active !== undefined,
            killSwitchActive: killSwitchSource !== undefined,
            freezeAll: s.KILL_SWITCH_FREEZE_ALL,
          },
        );
    decisions.push(...decided.decisions, ...sellOnly, ...executed.decisions);
    const execution = executed.counters;
    const after = live
      ? degradeAfterExecution(
          riskInput,
          risk,
          { rejects: execution.rejected, cycleDurationMs: clock.nowMs() - startedAtMs },
          s,
        )
      : undefined;
    if (after) {
      if (after.degrade.level > risk.degrade.level)
        deps.log.warn('Stage 4 degrade raised for the next cycle', { level: after.degrade.level });
      await saveCycleState(deps.documents, account, state, { ...risk.next, degrade: after.degrade.state, freeze });
    }
    if (decided.universe) await saveUniverseState(deps.documents, account, decided.universe, state.universe.version);
    const journalCounts = live ? await deps.journal.countByStatus(account) : undefined;
    return await finish({
      status: 'completed',
      mode,
      decisions,
      execution,
      freezeActive: freeze.active !== undefined,
      riskMode: risk.mode,
      degrade: risk.degrade,
      ...(after ? { nextDegrade: after.degrade } : {}),
      anomalies: after?.anomalies ?? risk.anomalies,
      breaker,
      ...(journalCounts ? { journalCounts } : {}),
    });
  } catch (e) {
    if (e instanceof StaleLeaseError) return finish({ status: 'lease_lost', mode, decisions: ['lease_lost'] });
    throw e;
  } finally {
    await deps.leases.release(lease);
  }
}

/**
 * The 1123 breaker: open when every configured symbol is in its 1123 cooldown (spec 3.18 step 3 reports a
 * cooldown as `breaker_open`). An open breaker is degrade level 3 for the whole account, so one symbol's
 * cooldown does not open it: the execution gate already holds that symbol's SUBMITs back, and the others
 * trade on. When none can, degrade says so. An unreadable cooldown list opens nothing here: execution
 * blocks every SUBMIT of this cycle on it, and a passing store error must not hold the account at level 3
 * through a 30 minute cooldown.
 */
async function breakerOf(read: Promise<SymbolCooldown[]>, symbols: readonly string[]): Promise<BreakerState> {
  let cooling: Set<string>;
  try {
    cooling = new Set((await read).map((c) => c.symbol));
  } catch {
    return { state: 'unreadable', coolingSymbols: [] };
  }
  const coolingSymbols = symbols.filter((symbol) => cooling.has(symbol));
  const open = symbols.length > 0 && coolingSymbols.length === symbols.length;
  return { state: open ? 'open' : 'closed', coolingSymbols };
}
