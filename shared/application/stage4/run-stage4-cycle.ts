// One stage 4 cycle (spec 3.2 with the section 9 fixes), step by step: arming gates (dry-run by default) ->
// the stage 4 lease (every journal and replace write fenced by it) -> market snapshot and marks -> account
// snapshot (recovery, refresh with foreign orders imported, fills into the ledger, projection) -> the
// unknown-order freeze -> capital checkpoint, risk budget, anomalies and degrade (cycle-risk.ts) -> decisions
// (cycle-decide.ts) -> open replace transactions resumed -> execution by
// the order safety protocol, each write re-checking the gates -> state documents saved (cycle-save.ts) -> audit.
import { armingInputsOf, evaluateArming } from '../../domain/arming';
import { actionDecision, type Decision } from '../../domain/decision';
import { StaleLeaseError } from '../../domain/errors';
import type { ExchangeRules } from '../../domain/exchange-rules';
import { ledgerReport } from '../../domain/ledger/ledger-report';
import { emptyLedgerState } from '../../domain/ledger/ledger-state';
import { evaluateFreeze } from '../../domain/oms/unknown-order-freeze';
import type { Mode } from '../../domain/risk/mode';
import type { ReplaceTransactionStore, SymbolCooldownStore } from '../../ports/state-store';
import { withFields } from '../log-fields';
import { marketSnapshot } from '../market-snapshot';
import { loadOpState } from '../op-state';
import { loadRules } from '../stage3/exchange-rules-cache';
import type { CycleInput, CycleMode, CycleStatus, Stage3Deps } from '../stage3/run-stage3-cycle';
import type { Stage3Settings } from '../stage3/stage3-settings';
import { tradingLeaseName } from '../trading-lease';
import { decideCycle } from './cycle-decide';
import { decideCycleRisk } from './cycle-risk';
import { saveCycleState } from './cycle-save';
import { accountSnapshot } from './cycle-snapshot';
import { executeStage4Actions, type Stage4ExecutionCounters, type Stage4ExecutionPlan } from './execute-actions';
import { stage4WriteGates } from './execute-actions-gates';
import { resumeOpenReplaces } from './replace-executor';
import type { Stage4Settings } from './stage4-settings';
import { loadStage4State } from './state/load-stage4-state';

export type Stage4CycleSettings = Stage3Settings & Stage4Settings;

export interface Stage4CycleDeps extends Omit<Stage3Deps, 'settings'> {
  readonly settings: Stage4CycleSettings;
  readonly replaceTransactions: ReplaceTransactionStore;
  readonly cooldowns: SymbolCooldownStore;
}

export interface Stage4CycleCounters {
  planned: number;
  actions: number;
  recovered: number;
  fillsInserted: number;
  imported: number;
}

export interface Stage4CycleResult {
  readonly status: CycleStatus;
  readonly mode: CycleMode;
  readonly counters: Stage4CycleCounters;
  readonly execution?: Stage4ExecutionCounters;
  /** `layer:code` per decision of the cycle, in the order they were taken */
  readonly decisions: readonly string[];
  /** Why the cycle sent nothing, when it did not (empty when it acted) */
  readonly reasonsNoAction: readonly string[];
  readonly freezeActive: boolean;
  /** The combined trading mode of risk budget and degrade, once the cycle got that far */
  readonly riskMode?: Mode;
}

const AUDIT_TTL_SECONDS = 30 * 24 * 3600;

const codeOf = (d: Decision): string => `${d.layer}:${d.code}`;

export async function runStage4Cycle(base: Stage4CycleDeps, input: CycleInput): Promise<Stage4CycleResult> {
  const log = withFields(base.log, { cycle_id: input.cycleId, run_id: input.runId, request_id: input.invocationId });
  const deps: Stage4CycleDeps = { ...base, log };
  const { settings: s, clock } = deps;
  const account = s.BOT_ACCOUNT;
  const startedAtMs = clock.nowMs();
  const counters: Stage4CycleCounters = { planned: 0, actions: 0, recovered: 0, fillsInserted: 0, imported: 0 };
  const parameterOn = await deps.killSwitch.isOn().catch(() => true);
  const opState = await loadOpState(deps.documents, account);
  const inputs = armingInputsOf(s, parameterOn || opState.killSwitchOn);
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

  const finish = async (
    status: CycleStatus,
    mode: CycleMode,
    decisions: string[],
    extra: {
      execution?: Stage4ExecutionCounters;
      acted?: boolean;
      freezeActive?: boolean;
      riskMode?: Mode;
    } = {},
  ): Promise<Stage4CycleResult> => {
    const refusals = decisions.filter((d) => !d.endsWith(':accepted'));
    const reasonsNoAction = extra.acted ? [] : refusals.length > 0 ? [...new Set(refusals)] : ['no_planned_actions'];
    const result: Stage4CycleResult = {
      status,
      mode,
      counters,
      ...(extra.execution ? { execution: extra.execution } : {}),
      decisions,
      reasonsNoAction,
      freezeActive: extra.freezeActive ?? false,
      ...(extra.riskMode ? { riskMode: extra.riskMode } : {}),
    };
    const { rejectedByCode, ...executionCounts } = extra.execution ?? { rejectedByCode: {} };
    await deps.audits.put(
      {
        stage: 'stage4',
        account,
        cycleId: input.cycleId,
        runId: input.runId,
        startedAtMs,
        finishedAtMs: clock.nowMs(),
        mode,
        counts: { ...counters, ...executionCounts },
        decisions,
        summary: JSON.stringify({
          status,
          mode,
          ...(extra.riskMode ? { risk_mode: extra.riskMode } : {}),
          ...counters,
          execution: extra.execution ?? null,
          freeze_active: result.freezeActive,
          reasons_no_action: reasonsNoAction,
          rejected_by_code: rejectedByCode,
        }),
      },
      AUDIT_TTL_SECONDS,
    );
    deps.log.info('Stage 4 cycle completed', { status, mode, ...counters, reasons_no_action: reasonsNoAction });
    return result;
  };

  const ageMs = input.scheduledAtMs === undefined ? 0 : startedAtMs - input.scheduledAtMs;
  if (ageMs > s.CYCLE_MAX_EVENT_AGE_SECONDS * 1000) return finish('expired', 'BLOCKED', ['cycle:event_too_old']);
  if (!inputs.dryRun && !arming.allowed) {
    deps.log.warn(arming.message, { reasons: arming.reasons });
    return finish('blocked', 'BLOCKED', [...arming.reasonCodes]);
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
    return {
      status: 'locked',
      mode,
      counters,
      decisions: ['lease_held_elsewhere'],
      reasonsNoAction: ['lease_held_elsewhere'],
      freezeActive: false,
    };
  }
  const fence = { name: lease.name, epoch: lease.epoch };
  try {
    const market = await marketSnapshot(deps.exchange, s.SYMBOLS, () => clock.nowMs(), s.MAX_MARKET_DATA_AGE_MS);
    if (market.stale || market.missingSymbols.length > 0) {
      deps.log.warn('market_data_stale_fail_closed', { missing_symbols: market.missingSymbols });
      return await finish('stale_market_data', mode, ['market_data:stale']);
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
    const decisions: string[] = [];
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
    const ledger = snapshot?.ledger ?? emptyLedgerState();
    // dry-run reads no account: its synthetic balance never reaches a live decision or a saved state
    const cashTry = snapshot?.cashTry ?? s.DRY_RUN_TRY_BALANCE;
    const nowMs = clock.nowMs();
    const report = snapshot?.report ?? ledgerReport(ledger, marks, cashTry, nowMs);
    const risk = decideCycleRisk(
      {
        cycleId: input.cycleId,
        nowMs,
        live,
        symbols: s.SYMBOLS,
        ledger,
        report,
        marks,
        cashTry,
        marketDataAgeMs: new Map(
          [...market.tops].map(([symbol, q]) => [symbol, nowMs - Math.min(q.receivedAtMs, q.stampedAtMs)]),
        ),
        cycleDurationMs: nowMs - startedAtMs,
        fillCursors: snapshot?.fillCursors ?? new Map(),
        freezeActive: freeze.active !== undefined,
        stored: {
          capital: state.capital.value,
          risk: state.risk.value,
          degrade: state.degrade.value,
          cursorStalls: state.cursorStalls.value,
          degradeOverride: state.degradeOverride.value,
        },
      },
      s,
    );
    decisions.push(...risk.decisions.map(codeOf));
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
        ownOpen: snapshot?.ownOpen ?? [],
        allOpen: snapshot?.allOpen ?? [],
        realizedTodayTry: report.today.realizedTry,
        drawdownPct: risk.drawdownPct,
        multiplier: risk.multiplier,
        mode: risk.mode,
        degrade: {
          buyQtyShrinkFactor: risk.degrade.policy.buyShrinkFactor,
          universeCap: risk.degrade.policy.universeCap,
        },
        ...(killSwitchSource ? { killSwitch: { source: killSwitchSource } } : {}),
        ...(freeze.active ? { freeze: { reason: freeze.active.reason } } : {}),
      },
      s,
    );
    counters.planned = decided.planned;
    counters.actions = decided.actions.length;
    const balancesFailed = snapshot?.balancesFailed ?? false;
    // 9.1.8: without the account's cash the cycle only sells and cancels
    const actions = decided.actions.filter((a) => !(balancesFailed && a.kind === 'SUBMIT' && a.side === 'BUY'));
    const sellOnly = decided.actions
      .filter((a) => !actions.includes(a))
      .map((a) => actionDecision('account', a, 'BLOCK', 'sell_only:balances_unavailable'));
    const gates = stage4WriteGates(
      {
        settings: s,
        killSwitch: deps.killSwitch,
        storedKillSwitchOn: async () => (await loadOpState(deps.documents, account)).killSwitchOn,
        leases: deps.leases,
        fence,
        clock,
      },
      s.KILL_SWITCH_FREEZE_ALL,
    );
    const executionDeps = { ...deps, gates };
    const plan: Stage4ExecutionPlan = {
      live,
      account,
      cycleId: input.cycleId,
      fence,
      freezeActive: freeze.active !== undefined,
      killSwitchActive: killSwitchSource !== undefined,
      freezeAll: s.KILL_SWITCH_FREEZE_ALL,
    };
    const resumed = await resumeOpenReplaces(executionDeps, plan);
    const executed = await executeStage4Actions(executionDeps, actions, plan);
    const all = [...decided.decisions, ...sellOnly, ...resumed.decisions, ...executed.decisions];
    decisions.push(...all.map(codeOf));
    if (live)
      await saveCycleState(deps.documents, account, state, { ...risk.next, degrade: risk.degrade.state, freeze });
    const execution = sumCounters(resumed.counters, executed.counters);
    const acted = execution.submitted + execution.canceled + execution.simulated + execution.replaceCommitted > 0;
    return await finish('completed', mode, decisions, {
      execution,
      acted,
      freezeActive: plan.freezeActive,
      riskMode: risk.mode,
    });
  } catch (e) {
    if (e instanceof StaleLeaseError) return finish('lease_lost', mode, ['lease_lost']);
    throw e;
  } finally {
    await deps.leases.release(lease);
  }
}

function sumCounters(a: Stage4ExecutionCounters, b: Stage4ExecutionCounters): Stage4ExecutionCounters {
  const rejectedByCode: Record<string, number> = { ...a.rejectedByCode };
  for (const [code, n] of Object.entries(b.rejectedByCode)) rejectedByCode[code] = (rejectedByCode[code] ?? 0) + n;
  const sum = { ...a, rejectedByCode };
  for (const key of Object.keys(b) as (keyof Stage4ExecutionCounters)[]) {
    if (key !== 'rejectedByCode') sum[key] = a[key] + b[key];
  }
  return sum;
}
