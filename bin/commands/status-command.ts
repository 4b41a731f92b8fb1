// `btcbot status --env <name>`: what the stage 3 function of one account is doing, read from the state
// table: the lease, the journal by status with the in-flight orders and frozen symbols (ARCHITECTURE 5.4),
// the SSM kill switch, the stored kill switch and observe-only symbols of the op-state (spec 9.1.5) and
// the last cycle audits. Read-only; one-line errors and a non-zero exit code.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { createDynamoStateStores } from '../../shared/adapters/dynamodb/state-stores';
import { tradingLeaseName } from '../../shared/application/trading-lease';
import type { Env } from '../../shared/config/load-config';
import { JOURNAL_STATUSES, type JournalStatus } from '../../shared/domain/order-state';
import type { CycleAudit, JournalOrder, Lease } from '../../shared/ports/state-store';
import { columns } from './columns';
import type { CommandIo } from './config-command';
import { errorLine } from './error-line';
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
  readonly json?: boolean;
}

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

interface StatusReport {
  readonly env: string;
  readonly account: string;
  readonly table: string;
  readonly killSwitch: KillSwitchState;
  /** The op-state's kill switch (on also when unreadable) and its observe-only symbols */
  readonly storedKillSwitch: StoredKillSwitchReport;
  /** expiresInMs is null for a lease its holder released (free) */
  readonly lease: (Lease & { readonly expiresInMs: number | null }) | null;
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
  const table = options.table ?? env.STATE_TABLE_NAME;
  if (!table) {
    io.err('status: no state table: pass --table <name> or set STATE_TABLE_NAME');
    return 2;
  }
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
      lease: lease ? { ...lease, expiresInMs: lease.expiresAtMs === 0 ? null : lease.expiresAtMs - nowMs } : null,
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

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function leaseLine(lease: StatusReport['lease']): string {
  if (!lease) return 'none (no stage 3 cycle has run for this account)';
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

function statusText(r: StatusReport, nowMs: number): string[] {
  const orderRows = r.activeOrders.map((o) => [
    o.symbol,
    o.side,
    o.status,
    o.price.toString(),
    o.qty.toString(),
    o.filledQty.toString(),
    seconds(nowMs - o.createdAtMs),
    o.clientOrderId,
  ]);
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
    '',
    'In-flight orders:',
    ...(orderRows.length > 0
      ? columns([['SYMBOL', 'SIDE', 'STATUS', 'PRICE', 'QTY', 'FILLED', 'AGE', 'CLIENT ORDER ID'], ...orderRows]).map(
          (l) => `  ${l}`,
        )
      : ['  none']),
    '',
    `Last ${CYCLES_SHOWN} cycles:`,
    ...(r.cycles.length > 0
      ? columns([['STARTED', 'MODE', 'STATUS', 'DECISIONS', 'COUNTS'], ...r.cycles.map(cycleRow)]).map((l) => `  ${l}`)
      : ['  none']),
  ];
}
