// `btcbot status --stage stage7`: what an operator needs to judge the stage 7 simulation of one account: its
// runtime state (spec 9.2.11), its lease, its own kill switch and run of failed cycles (spec 4.17; not the SSM or op-state switches, which guard
// live orders and which stage 7 ignores), the active params, the latest risk decision, the simulated account and
// its equity, and the newest run-metric rows. Reads only: the store's load completes a write left interrupted
// under the fence it is given, so it is given one that is never current (lease epochs start at 1 and never
// restart); a pending write is then refused before anything is written, reported here, and left to the next
// cycle, which completes it under its lease.
import * as z from 'zod';
import { createDynamoStateStores } from '../../shared/adapters/dynamodb/state-stores';
import { parseInput } from '../../shared/application/parse-input';
import {
  killChainKey,
  readStage7KillChain,
  type Stage7KillChain,
  stage7KillSwitchOn,
} from '../../shared/application/stage7/cycle-kill-chain';
import { stage7LeaseName } from '../../shared/application/stage7/cycle-preconditions';
import type { Env } from '../../shared/config/load-config';
import { ALERT_FLAGS, setFlags } from '../../shared/domain/adaptation/stage7-metrics';
import { paramsRecord, type Stage7ParamsRecord } from '../../shared/domain/adaptation/stage7-params';
import { EPOCH_MS_MAX, EPOCH_MS_MIN } from '../../shared/domain/epoch';
import { CorruptStateError, StaleLeaseError } from '../../shared/domain/errors';
import { toPlain } from '../../shared/domain/money';
import { MODES } from '../../shared/domain/risk/mode';
import { STAGE7_BUDGET_REASONS } from '../../shared/domain/risk/stage7-risk-budget';
import type { Stage7CycleState, Stage7RunMetricsRow } from '../../shared/ports/stage7-store';
import { columns, iso } from './columns';
import type { CommandIo } from './config-command';
import { errorLine } from './error-line';
import {
  CYCLES_SHOWN,
  indented,
  type LeaseReport,
  leaseLine,
  leaseReport,
  type RuntimeReport,
  readRuntime,
  runtimeLine,
  runtimeTable,
  type StatusClients,
  type StatusCommandOptions,
  seconds,
} from './status-parts';

const epochMs = z.number().int().min(EPOCH_MS_MIN).max(EPOCH_MS_MAX);

/** The part of the stored risk decision (cycle-documents.ts RiskDecisionDocument) an operator reads */
const RiskDecisionViewSchema = z.object({
  cycleId: z.string().min(1),
  decidedAtMs: epochMs,
  mode: z.enum(MODES),
  reasons: z.array(z.enum(STAGE7_BUDGET_REASONS)),
  cooldownUntilMs: epochMs.nullable(),
});
type RiskDecisionView = z.infer<typeof RiskDecisionViewSchema>;

interface Stage7KillSwitchReport {
  readonly key: string;
  readonly on: boolean;
  readonly consecutiveErrors: number;
  /** As stored, on or expired */
  readonly stored: Stage7KillChain['killSwitch'] | null;
  /** The operator's command that lifts it, while it is on */
  readonly clear: string | null;
}

interface SimulationReport {
  readonly interruptedWrite: false;
  readonly params: Stage7ParamsRecord | null;
  readonly riskDecision: RiskDecisionView | null;
  readonly account: Readonly<Record<string, { readonly free: string; readonly locked: string }>> | null;
  /** The newest row's equity: marked at that cycle's prices (a read-only status reads no market) */
  readonly equity: { readonly equityTry: string; readonly cycleId: string; readonly atMs: number } | null;
  /** Newest first */
  readonly runs: readonly Stage7RunMetricsRow[];
}

interface Stage7StatusReport {
  readonly stage: 'stage7';
  readonly env: string;
  readonly account: string;
  readonly table: string;
  readonly runtime: RuntimeReport;
  readonly lease: LeaseReport;
  readonly killSwitch: Stage7KillSwitchReport;
  /** interruptedWrite: a cycle's split write is waiting for the next cycle's load to complete it */
  readonly simulation: SimulationReport | { readonly interruptedWrite: true };
}

export async function stage7StatusCommand(
  clients: Pick<StatusClients, 'dynamodb'>,
  env: Env,
  options: StatusCommandOptions & { readonly table: string },
  io: CommandIo,
  nowMs: number,
): Promise<number> {
  const { table } = options;
  const account = options.account ?? env.BOT_ACCOUNT ?? 'default';
  const stores = createDynamoStateStores(clients.dynamodb, table);
  let report: Stage7StatusReport;
  try {
    const [runtime, lease, { chain }, simulation] = await Promise.all([
      readRuntime(stores.documents, 'stage7', account),
      stores.leases.read(stage7LeaseName(account)),
      readStage7KillChain(stores.documents, account),
      stores.stage7.load(account, { name: stage7LeaseName(account), epoch: 0 }).then(
        (state) => simulationReport(state, account),
        (e: unknown) => {
          if (e instanceof StaleLeaseError) return { interruptedWrite: true } as const;
          throw e;
        },
      ),
    ]);
    const on = stage7KillSwitchOn(chain, nowMs);
    report = {
      stage: 'stage7',
      env: options.env,
      account,
      table,
      runtime,
      lease: leaseReport(lease, nowMs),
      killSwitch: {
        key: killChainKey(account),
        on,
        consecutiveErrors: chain.consecutiveErrors,
        stored: chain.killSwitch ?? null,
        clear: on
          ? `btcbot kill-switch clear-stored --env ${options.env} --stage stage7 --account ${account} --table ${table}`
          : null,
      },
      simulation,
    };
  } catch (e) {
    io.err(`status: cannot read state table ${table}: ${errorLine(e)}`);
    return 1;
  }
  if (options.json) io.out(JSON.stringify(report, null, 2));
  else for (const line of statusText(report, nowMs)) io.out(line);
  return 0;
}

/** @throws CorruptStateError the risk decision document does not say what it decided */
function simulationReport(state: Stage7CycleState, account: string): SimulationReport {
  const { params, documents, runMetrics } = state;
  const risk = documents.riskDecision.value;
  const latest = runMetrics[0];
  return {
    interruptedWrite: false,
    params: params.active.value ? paramsRecord(params.active.value) : null,
    riskDecision: risk
      ? parseInput(
          RiskDecisionViewSchema,
          `stage 7 risk decision document of account ${account}`,
          risk,
          CorruptStateError,
        )
      : null,
    account: documents.account.value
      ? Object.fromEntries(
          Object.entries(documents.account.value).map(([asset, b]) => [
            asset,
            { free: toPlain(b.free), locked: toPlain(b.locked) },
          ]),
        )
      : null,
    equity: latest ? { equityTry: toPlain(latest.equityTry), cycleId: latest.cycleId, atMs: latest.tsMs } : null,
    runs: runMetrics,
  };
}

function statusText(r: Stage7StatusReport, nowMs: number): string[] {
  const head: [string, string][] = [
    ['Account', `${r.account} (env ${r.env}, table ${r.table})`],
    ['Runtime state', runtimeLine(r.runtime, nowMs)],
    ['Lease', leaseLine(r.lease, 'no stage 7 cycle has run for this account')],
    ['Stage 7 kill switch', `${r.killSwitch.key} = ${killSwitchLine(r.killSwitch, nowMs)}`],
    ['Failed cycles', `${r.killSwitch.consecutiveErrors} in a row`],
  ];
  if (r.simulation.interruptedWrite)
    return [
      ...columns([
        ...head,
        ['Simulation', 'a cycle write was interrupted: the next stage 7 cycle completes it first (nothing shown)'],
      ]),
      ...runtimeTable(r.runtime),
    ];
  const s = r.simulation;
  return [
    ...columns([
      ...head,
      ['Params', s.params ? paramsLine(s.params) : 'none (no stage 7 cycle has saved any)'],
      ['Risk decision', s.riskDecision ? riskLine(s.riskDecision, nowMs) : 'none (no stage 7 cycle has decided one)'],
      ['Simulated account', s.account ? accountLine(s.account) : 'none (no stage 7 cycle has saved one)'],
      [
        'Equity',
        s.equity
          ? `${s.equity.equityTry} TRY (cycle ${s.equity.cycleId} at ${iso(s.equity.atMs)}, at its prices)`
          : 'none (no stage 7 cycle has measured it)',
      ],
    ]),
    ...runtimeTable(r.runtime),
    ...indented(
      `Last ${CYCLES_SHOWN} stage 7 cycles:`,
      ['STARTED', 'CYCLE', 'MODE', 'PARAMS', 'EQUITY TRY', 'NET PNL TRY', 'FEES TRY', 'COUNTS', 'NO TRADES', 'ALERTS'],
      s.runs.map(runRow),
    ),
  ];
}

function killSwitchLine(k: Stage7KillSwitchReport, nowMs: number): string {
  const stored = k.stored;
  if (!stored) return 'off';
  if (!k.on) return `off (${stored.reason} expired at ${iso(stored.expiresAtMs ?? 0)})`;
  const until =
    stored.expiresAtMs === undefined ? 'until cleared' : `expires in ${seconds(stored.expiresAtMs - nowMs)}`;
  return `ON since ${iso(stored.sinceMs)} (${stored.reason}), ${until}: stage 7 observes only; clear: ${k.clear}`;
}

function paramsLine(p: Stage7ParamsRecord): string {
  const w = p.score_weights;
  return (
    `version ${p.version} (since ${iso(p.updated_at_ms)}): universe ${p.universe_size}, offset ` +
    `${p.order_offset_bps} bps, turnover cap ${p.turnover_cap_try} TRY, max orders ${p.max_orders_per_cycle}, ` +
    `max spread ${p.max_spread_bps} bps, cash target ${p.cash_target_try} TRY, min quote volume ` +
    `${p.min_quote_volume_try} TRY, weights liquidity ${w.liquidity} spread ${w.spread} volatility ${w.volatility}`
  );
}

function riskLine(d: RiskDecisionView, nowMs: number): string {
  const cooldown =
    d.cooldownUntilMs === null
      ? 'none'
      : d.cooldownUntilMs > nowMs
        ? `until ${iso(d.cooldownUntilMs)} (${seconds(d.cooldownUntilMs - nowMs)} left)`
        : `ended ${iso(d.cooldownUntilMs)}`;
  return `${d.mode} (cycle ${d.cycleId} at ${iso(d.decidedAtMs)}), reasons ${d.reasons.join(', ') || 'none'}, cooldown ${cooldown}`;
}

const accountLine = (balances: NonNullable<SimulationReport['account']>): string =>
  Object.entries(balances)
    .map(([asset, b]) => `${asset} ${b.free}${b.locked === '0' ? '' : ` (+${b.locked} locked)`}`)
    .join(', ');

function runRow(row: Stage7RunMetricsRow): string[] {
  const c = row.counts;
  const counts = [
    `planned=${c.planned}`,
    `submitted=${c.omsSubmitted}`,
    `filled=${c.omsFilled}`,
    `rejected=${c.omsRejected}`,
    `throttled=${c.throttledEvents}`,
  ].join(' ');
  return [
    iso(row.tsMs),
    row.cycleId,
    row.modeFinal,
    `v${row.paramVersion}`,
    toPlain(row.equityTry),
    toPlain(row.netPnlTry),
    toPlain(row.feesTry),
    counts,
    row.noTradesReason ?? '-',
    setFlags(row.alertFlags, ALERT_FLAGS).join(',') || '-',
  ];
}
