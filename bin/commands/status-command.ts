// `btcbot status --env <name> [--stage stage3|stage4|stage7]`: what a function of one account is doing, read
// from the state table. Every stage: its runtime state (spec 9.2.11), since when, the last trigger and cycle,
// and its last transitions. Stages 3 and 4: the trading lease, the SSM kill switch, the stored kill switch and
// observe-only symbols of the op-state (spec 9.1.5), the in-flight orders and the last cycle audits
// (status-parts.ts). Stage 3 adds the journal by status and the frozen symbols (ARCHITECTURE 5.4); stage 4
// (status-stage4.ts) its mode, risk state, degrade level and override, freeze and open replace transactions.
// Stage 7 (status-stage7.ts) is the simulation: its own lease and kill switch, params, risk decision, simulated
// account and run-metric rows. Read-only; one-line errors and a non-zero exit code, 2 for a usage error.
import { createDynamoStateStores } from '../../shared/adapters/dynamodb/state-stores';
import { tradingLeaseName } from '../../shared/application/trading-lease';
import type { Env } from '../../shared/config/load-config';
import { JOURNAL_STATUSES, type JournalStatus } from '../../shared/domain/order-state';
import type { CycleAudit, JournalOrder } from '../../shared/ports/state-store';
import { columns, iso } from './columns';
import type { CommandIo } from './config-command';
import { errorLine } from './error-line';
import { observeOnlyLine, readStoredKillSwitch, type StoredKillSwitchReport } from './kill-switch-command';
import { stateTableOrExit } from './resource-resolution';
import {
  ACTIVE_STATUSES,
  CYCLES_SHOWN,
  indented,
  type KillSwitchState,
  type LeaseReport,
  leaseLine,
  leaseReport,
  orderTable,
  type RuntimeReport,
  readKillSwitch,
  readRuntime,
  runtimeLine,
  runtimeTable,
  type StatusClients,
  type StatusCommandOptions,
} from './status-parts';
import { stage4StatusCommand } from './status-stage4';
import { stage7StatusCommand } from './status-stage7';

export type { StatusCommandOptions } from './status-parts';

const STATUS_STAGES = ['stage3', 'stage4', 'stage7'] as const;
const STATUS_USAGE =
  'usage: btcbot status --env <name> [--stage stage3|stage4|stage7] [--account <name>] [--table <name>] [--json]';

/** A symbol with an order in one of these is frozen: no new order is sent for it (ARCHITECTURE 5.4) */
const FREEZING_STATUSES: readonly JournalStatus[] = ['PENDING_SUBMIT', 'UNKNOWN'];

interface StatusReport {
  readonly env: string;
  readonly account: string;
  readonly table: string;
  readonly runtime: RuntimeReport;
  readonly killSwitch: KillSwitchState;
  /** The op-state's kill switch (on also when unreadable) and its observe-only symbols */
  readonly storedKillSwitch: StoredKillSwitchReport;
  readonly lease: LeaseReport;
  readonly counts: Record<JournalStatus, number>;
  readonly frozenSymbols: string[];
  readonly activeOrders: JournalOrder[];
  readonly cycles: CycleAudit[];
}

export async function statusCommand(
  clients: StatusClients,
  env: Env,
  options: StatusCommandOptions,
  io: CommandIo,
  nowMs = Date.now(),
): Promise<number> {
  const stage = options.stage ?? 'stage3';
  if (!(STATUS_STAGES as readonly string[]).includes(stage)) {
    const expected = `${STATUS_STAGES.slice(0, -1).join(', ')} or ${STATUS_STAGES.at(-1)}`;
    io.err(`status: invalid --stage ${JSON.stringify(stage)} (expected ${expected})`);
    io.err(STATUS_USAGE);
    return 2;
  }
  const table = await stateTableOrExit(options, env, clients.cloudformation, {
    usage: (message) => {
      io.err(`status: ${message}`);
      io.err(STATUS_USAGE);
      return 2;
    },
    missing: (message) => io.err(`status: ${message}`),
  });
  if (typeof table === 'number') return table;
  if (stage === 'stage4') return stage4StatusCommand(clients, env, { ...options, table }, io, nowMs);
  if (stage === 'stage7') return stage7StatusCommand(clients, env, { ...options, table }, io, nowMs);
  const account = options.account ?? env.BOT_ACCOUNT ?? 'default';
  const stores = createDynamoStateStores(clients.dynamodb, table);
  let report: StatusReport;
  try {
    const [runtime, lease, counts, activeOrders, cycles, killSwitch, storedKillSwitch] = await Promise.all([
      readRuntime(stores.documents, 'stage3', account),
      stores.leases.read(tradingLeaseName(account)),
      stores.journal.countByStatus(account),
      stores.journal.listByStatus(account, ACTIVE_STATUSES),
      stores.audits.latest('stage3', account, CYCLES_SHOWN),
      readKillSwitch(clients.ssm, env.KILL_SWITCH_PARAMETER ?? `/btcbot/${options.env}/kill-switch`),
      readStoredKillSwitch(stores.documents, account),
    ]);
    const frozenSymbols = [
      ...new Set(activeOrders.filter((o) => FREEZING_STATUSES.includes(o.status)).map((o) => o.symbol)),
    ].sort();
    report = {
      env: options.env,
      account,
      table,
      runtime,
      killSwitch,
      storedKillSwitch,
      lease: leaseReport(lease, nowMs),
      counts,
      frozenSymbols,
      activeOrders,
      cycles,
    };
  } catch (e) {
    io.err(`status: cannot read state table ${table}: ${errorLine(e)}`);
    return 1;
  }
  if (options.json) io.out(JSON.stringify(report, null, 2));
  else for (const line of statusText(report, nowMs)) io.out(line);
  return 0;
}

function cycleRow(audit: CycleAudit): string[] {
  const status = (JSON.parse(audit.summary) as { status?: string }).status ?? '?';
  const counts = Object.entries(audit.counts)
    .filter(([, n]) => n !== 0)
    .map(([name, n]) => `${name}=${n}`)
    .join(' ');
  return [iso(audit.startedAtMs), audit.mode, status, audit.decisions.join(',') || '-', counts || '-'];
}

function statusText(r: StatusReport, nowMs: number): string[] {
  return [
    ...columns([
      ['Account', `${r.account} (env ${r.env}, table ${r.table})`],
      ['Runtime state', runtimeLine(r.runtime, nowMs)],
      ['Kill switch', `${r.killSwitch.parameter} = ${r.killSwitch.meaning}`],
      ['DB kill switch', `${r.storedKillSwitch.key} = ${r.storedKillSwitch.meaning}`],
      ['Observe-only', observeOnlyLine(r.storedKillSwitch.observeOnlySymbols)],
      ['Lease', leaseLine(r.lease)],
      ['Frozen symbols', r.frozenSymbols.length > 0 ? r.frozenSymbols.join(', ') : 'none'],
      ['Orders', JOURNAL_STATUSES.map((s) => `${s} ${r.counts[s]}`).join('  ')],
    ]),
    ...runtimeTable(r.runtime),
    ...orderTable(r.activeOrders, nowMs),
    ...indented(
      `Last ${CYCLES_SHOWN} cycles:`,
      ['STARTED', 'MODE', 'STATUS', 'DECISIONS', 'COUNTS'],
      r.cycles.map(cycleRow),
    ),
  ];
}
