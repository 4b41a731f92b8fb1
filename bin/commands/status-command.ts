// `btcbot status --env <name> [--stage stage3|stage4]`: what a trading function of one account is doing,
// read from the state table. Both stages: the trading lease, the SSM kill switch, the stored kill switch and
// observe-only symbols of the op-state (spec 9.1.5), the in-flight orders and the last cycle audits. Stage 3
// adds the journal by status and the frozen symbols (ARCHITECTURE 5.4); stage 4 its mode, risk state,
// degrade level and override, unknown-order freeze and open replace transactions. Read-only (stage 4 also
// creates nothing); one-line errors and a non-zero exit code, 2 for a usage error. One file for both stages
// because they share the lease, kill switch, order and cycle rendering; stage 4's sections are at the end.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { createDynamoStateStores } from '../../shared/adapters/dynamodb/state-stores';
import {
  type Readable,
  readStage4Status,
  type Stage4Status,
} from '../../shared/application/stage4/operator/stage4-status';
import { freezeStateCodec } from '../../shared/application/stage4/state/freeze-state';
import { tradingLeaseName } from '../../shared/application/trading-lease';
import type { Env } from '../../shared/config/load-config';
import { JOURNAL_STATUSES, type JournalStatus } from '../../shared/domain/order-state';
import type { CycleAudit, JournalOrder, Lease } from '../../shared/ports/state-store';
import { columns } from './columns';
import type { CommandIo } from './config-command';
import { degradeRows } from './degrade-command';
import { errorLine } from './error-line';
import { freezeRows } from './freeze-command';
import {
  killSwitchMeaning,
  observeOnlyLine,
  readStoredKillSwitch,
  type StoredKillSwitchReport,
} from './kill-switch-command';

export interface StatusCommandOptions {
  /** Environment name: the kill switch is /btcbot/<env>/kill-switch unless KILL_SWITCH_PARAMETER is set */
  readonly env: string;
  /** Default BOT_ACCOUNT, else `default` */
  readonly account?: string;
  /** Default STATE_TABLE_NAME */
  readonly table?: string;
  /** stage3 (default) or stage4 */
  readonly stage?: string;
  readonly json?: boolean;
}

const STATUS_STAGES = ['stage3', 'stage4'] as const;
const STATUS_USAGE =
  'usage: btcbot status --env <name> [--stage stage3|stage4] [--account <name>] [--table <name>] [--json]';

export interface StatusClients {
  readonly dynamodb: DynamoDBClient;
  readonly ssm: SSMClient;
}

/** Orders still in flight: what the cycle and reconcile have yet to settle */
export const ACTIVE_STATUSES = ['OPEN', 'PARTIAL', 'CANCEL_REQUESTED', 'PENDING_SUBMIT', 'UNKNOWN'] as const;
/** A symbol with an order in one of these is frozen: no new order is sent for it (ARCHITECTURE 5.4) */
export const FREEZING_STATUSES: readonly JournalStatus[] = ['PENDING_SUBMIT', 'UNKNOWN'];
const CYCLES_SHOWN = 5;

interface KillSwitchState {
  readonly parameter: string;
  readonly value: string | null;
  readonly meaning: string;
}

/** expiresInMs is null for a lease its holder released (free) */
type LeaseReport = (Lease & { readonly expiresInMs: number | null }) | null;

interface StatusReport {
  readonly env: string;
  readonly account: string;
  readonly table: string;
  readonly killSwitch: KillSwitchState;
  /** The op-state's kill switch (on also when unreadable) and its observe-only symbols */
  readonly storedKillSwitch: StoredKillSwitchReport;
  readonly lease: LeaseReport;
  readonly counts: Record<JournalStatus, number>;
  readonly frozenSymbols: string[];
  readonly activeOrders: JournalOrder[];
  readonly cycles: CycleAudit[];
}

async function readKillSwitch(ssm: SSMClient, parameter: string): Promise<KillSwitchState> {
  try {
    const value = (await ssm.send(new GetParameterCommand({ Name: parameter }))).Parameter?.Value ?? '';
    return { parameter, value, meaning: killSwitchMeaning(value) };
  } catch (e) {
    return { parameter, value: null, meaning: `unreadable (${errorLine(e)}), so on: live orders are blocked` };
  }
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
    io.err(`status: invalid --stage ${JSON.stringify(stage)} (expected ${STATUS_STAGES.join(' or ')})`);
    io.err(STATUS_USAGE);
    return 2;
  }
  const table = options.table ?? env.STATE_TABLE_NAME;
  if (!table) {
    io.err('status: no state table: pass --table <name> or set STATE_TABLE_NAME');
    return 2;
  }
  if (stage === 'stage4') return stage4StatusCommand(clients, env, { ...options, table }, io, nowMs);
  const account = options.account ?? env.BOT_ACCOUNT ?? 'default';
  const stores = createDynamoStateStores(clients.dynamodb, table);
  let report: StatusReport;
  try {
    const [lease, counts, activeOrders, cycles, killSwitch, storedKillSwitch] = await Promise.all([
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

const leaseReport = (lease: Lease | undefined, nowMs: number): LeaseReport =>
  lease ? { ...lease, expiresInMs: lease.expiresAtMs === 0 ? null : lease.expiresAtMs - nowMs } : null;

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function leaseLine(lease: LeaseReport): string {
  if (!lease) return 'none (no trading cycle has run for this account)';
  if (lease.expiresInMs === null) return `${lease.name} free (released by ${lease.holder}), epoch ${lease.epoch}`;
  const expiry =
    lease.expiresInMs > 0 ? `expires in ${seconds(lease.expiresInMs)}` : `expired ${seconds(-lease.expiresInMs)} ago`;
  return `${lease.name} held by ${lease.holder}, epoch ${lease.epoch}, ${expiry}`;
}

function cycleRow(audit: CycleAudit): string[] {
  const status = (JSON.parse(audit.summary) as { status?: string }).status ?? '?';
  const counts = Object.entries(audit.counts)
    .filter(([, n]) => n !== 0)
    .map(([name, n]) => `${name}=${n}`)
    .join(' ');
  return [iso(audit.startedAtMs), audit.mode, status, audit.decisions.join(',') || '-', counts || '-'];
}

const indented = (title: string, header: string[], rows: string[][]): string[] => [
  '',
  title,
  ...(rows.length > 0 ? columns([header, ...rows]).map((l) => `  ${l}`) : ['  none']),
];

const orderTable = (orders: readonly JournalOrder[], nowMs: number): string[] =>
  indented(
    'In-flight orders:',
    ['SYMBOL', 'SIDE', 'STATUS', 'PRICE', 'QTY', 'FILLED', 'AGE', 'CLIENT ORDER ID'],
    orders.map((o) => [
      o.symbol,
      o.side,
      o.status,
      o.price.toString(),
      o.qty.toString(),
      o.filledQty.toString(),
      seconds(nowMs - o.createdAtMs),
      o.clientOrderId,
    ]),
  );

function statusText(r: StatusReport, nowMs: number): string[] {
  return [
    ...columns([
      ['Account', `${r.account} (env ${r.env}, table ${r.table})`],
      ['Kill switch', `${r.killSwitch.parameter} = ${r.killSwitch.meaning}`],
      ['DB kill switch', `${r.storedKillSwitch.key} = ${r.storedKillSwitch.meaning}`],
      ['Observe-only', observeOnlyLine(r.storedKillSwitch.observeOnlySymbols)],
      ['Lease', leaseLine(r.lease)],
      ['Frozen symbols', r.frozenSymbols.length > 0 ? r.frozenSymbols.join(', ') : 'none'],
      ['Orders', JOURNAL_STATUSES.map((s) => `${s} ${r.counts[s]}`).join('  ')],
    ]),
    ...orderTable(r.activeOrders, nowMs),
    ...indented(
      `Last ${CYCLES_SHOWN} cycles:`,
      ['STARTED', 'MODE', 'STATUS', 'DECISIONS', 'COUNTS'],
      r.cycles.map(cycleRow),
    ),
  ];
}

// ---------------------------------------------------------------- stage 4

type Stage4StatusReport = Omit<Stage4Status, 'lease' | 'freeze'> & {
  readonly stage: 'stage4';
  readonly env: string;
  readonly table: string;
  readonly killSwitch: KillSwitchState;
  readonly storedKillSwitch: StoredKillSwitchReport;
  readonly lease: LeaseReport;
  /** As stored: JSON has no Map for the mismatch streaks */
  readonly freeze: Readable<unknown>;
};

async function stage4StatusCommand(
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
  let killSwitch: KillSwitchState;
  let storedKillSwitch: StoredKillSwitchReport;
  try {
    [status, killSwitch, storedKillSwitch] = await Promise.all([
      readStage4Status(stores, account, { nowMs, cycles: CYCLES_SHOWN, orderStatuses: ACTIVE_STATUSES }),
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
