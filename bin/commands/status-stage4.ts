// `btcbot status --stage stage4`: the stage 4 view of one account (runtime state, mode, risk state, degrade
// level and override, unknown-order freeze, open replace transactions, last cycles) beside the lease, the kill
// switches and the in-flight orders both stages show. Reads only; creates nothing.
import { createDynamoStateStores } from '../../shared/adapters/dynamodb/state-stores';
import {
  type Readable,
  readStage4Status,
  type Stage4Status,
} from '../../shared/application/stage4/operator/stage4-status';
import { freezeStateCodec } from '../../shared/application/stage4/state/freeze-state';
import type { Env } from '../../shared/config/load-config';
import { columns, iso } from './columns';
import type { CommandIo } from './config-command';
import { degradeRows } from './degrade-command';
import { errorLine } from './error-line';
import { freezeRows } from './freeze-command';
import { observeOnlyLine, readStoredKillSwitch, type StoredKillSwitchReport } from './kill-switch-command';
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
  seconds,
} from './status-parts';

type Stage4StatusReport = Omit<Stage4Status, 'lease' | 'freeze'> & {
  readonly stage: 'stage4';
  readonly env: string;
  readonly table: string;
  readonly runtime: RuntimeReport;
  readonly killSwitch: KillSwitchState;
  readonly storedKillSwitch: StoredKillSwitchReport;
  readonly lease: LeaseReport;
  /** As stored: JSON has no Map for the mismatch streaks */
  readonly freeze: Readable<unknown>;
};

export async function stage4StatusCommand(
  clients: StatusClients,
  env: Env,
  options: StatusCommandOptions & { readonly table: string },
  io: CommandIo,
  nowMs: number,
): Promise<number> {
  const { table } = options;
  const account = options.account ?? env.BOT_ACCOUNT ?? 'default';
  const stores = createDynamoStateStores(clients.dynamodb, table);
  let status: Stage4Status;
  let runtime: RuntimeReport;
  let killSwitch: KillSwitchState;
  let storedKillSwitch: StoredKillSwitchReport;
  try {
    [status, runtime, killSwitch, storedKillSwitch] = await Promise.all([
      readStage4Status(stores, account, { nowMs, cycles: CYCLES_SHOWN, orderStatuses: ACTIVE_STATUSES }),
      readRuntime(stores.documents, 'stage4', account),
      readKillSwitch(clients.ssm, env.KILL_SWITCH_PARAMETER ?? `/btcbot/${options.env}/kill-switch`),
      readStoredKillSwitch(stores.documents, account),
    ]);
  } catch (e) {
    io.err(`status: cannot read state table ${table}: ${errorLine(e)}`);
    return 1;
  }
  if (options.json) {
    const report: Stage4StatusReport = {
      ...status,
      stage: 'stage4',
      env: options.env,
      table,
      runtime,
      killSwitch,
      storedKillSwitch,
      lease: leaseReport(status.lease, nowMs),
      freeze: 'value' in status.freeze ? { value: freezeStateCodec.encode(status.freeze.value) } : status.freeze,
    };
    io.out(JSON.stringify(report, null, 2));
    return 0;
  }
  const head: [string, string][] = [
    ['Account', `${account} (env ${options.env}, table ${table})`],
    ['Runtime state', runtimeLine(runtime, nowMs)],
    ['Kill switch', `${killSwitch.parameter} = ${killSwitch.meaning}`],
    ['DB kill switch', `${storedKillSwitch.key} = ${storedKillSwitch.meaning}`],
    ['Observe-only', observeOnlyLine(storedKillSwitch.observeOnlySymbols)],
    ['Lease', leaseLine(leaseReport(status.lease, nowMs))],
  ];
  for (const line of [
    ...columns([
      ...head,
      ...modeRows(status),
      ...section(status.degrade, (view) => degradeRows(view, nowMs), 'Degrade level'),
      ...section(status.freeze, freezeRows, 'Freeze'),
    ]),
    ...runtimeTable(runtime),
    ...replaceTable(status.replaceTransactions),
    ...orderTable(status.activeOrders, nowMs),
    ...indented(
      `Last ${CYCLES_SHOWN} stage 4 cycles:`,
      ['STARTED', 'MODE', 'STATUS', 'RISK MODE', 'FREEZE', 'REASONS NO ACTION'],
      status.cycles.map((c) => [
        iso(c.startedAtMs),
        c.mode,
        ...('value' in c.summary
          ? [
              c.summary.value.status,
              c.summary.value.riskMode ?? '-',
              c.summary.value.freezeActive ? 'active' : '-',
              c.summary.value.reasonsNoAction.join(',') || '-',
            ]
          : ['?', '?', '?', `summary unreadable (${c.summary.unreadable})`]),
      ]),
    ),
  ])
    io.out(line);
  return 0;
}

const section = <T>(part: Readable<T>, rows: (value: T) => [string, string][], label: string): [string, string][] =>
  'value' in part ? rows(part.value) : [[label, `unreadable (${part.unreadable})`]];

function modeRows(status: Stage4Status): [string, string][] {
  const m = status.mode;
  const mode = m
    ? `${m.mode} (cycle ${m.cycleId} at ${iso(m.atMs)}${m.latest ? '' : '; later cycles stopped before deciding one'})`
    : 'none: no recent stage 4 cycle decided a mode';
  return [
    ['Stage 4 mode', mode],
    ['Risk reasons', m && m.reasons.length > 0 ? m.reasons.join(', ') : 'none'],
    ...section(
      status.risk,
      (risk): [string, string][] => [
        [
          'Risk state',
          risk
            ? `peak equity ${risk.peakEquityTry.toFixed()} TRY (at ${iso(risk.peakEquityAtMs)}), fees today ` +
              `${risk.feesTodayTry.toFixed()} TRY`
            : 'none yet (no live stage 4 cycle has saved one)',
        ],
      ],
      'Risk state',
    ),
  ];
}

function replaceTable(part: Stage4Status['replaceTransactions']): string[] {
  const title = 'Open replace transactions:';
  if (!('value' in part)) return ['', title, `  unreadable (${part.unreadable})`];
  return indented(
    title,
    ['ID', 'SYMBOL', 'SIDE', 'STATE', 'AGE', 'NEW ORDER', 'CANCELS', 'REASONS'],
    part.value.map((tx) => [
      tx.id,
      tx.symbol,
      tx.side,
      tx.state,
      seconds(tx.ageMs),
      tx.newClientOrderId,
      tx.oldClientOrderIds.join(','),
      tx.reasons.join(',') || '-',
    ]),
  );
}
