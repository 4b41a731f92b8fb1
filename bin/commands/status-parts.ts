// What the stages' `btcbot status` show alike: the options, the SSM kill switch (stages 3 and 4), the lease,
// the runtime state (spec 9.2.11), the in-flight orders table, and the small renderers they share.
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import {
  type RuntimeDocument,
  readRuntimeDocument,
  runtimeKey,
} from '../../shared/application/runtime/runtime-document';
import { CorruptStateError } from '../../shared/domain/errors';
import type { StageName } from '../../shared/domain/ids';
import type { DocumentStore, JournalOrder, Lease } from '../../shared/ports/state-store';
import { columns, iso } from './columns';
import { errorLine } from './error-line';
import { killSwitchMeaning } from './kill-switch-command';

export interface StatusCommandOptions {
  /** Environment name: the kill switch is /btcbot/<env>/kill-switch unless KILL_SWITCH_PARAMETER is set */
  readonly env: string;
  /** Default BOT_ACCOUNT, else `default` */
  readonly account?: string;
  /** Default STATE_TABLE_NAME */
  readonly table?: string;
  /** stage3 (default), stage4 or stage7 */
  readonly stage?: string;
  readonly json?: boolean;
}

export interface StatusClients {
  readonly dynamodb: DynamoDBClient;
  readonly ssm: SSMClient;
  /** Reads the --env stack's StateTableName output when neither --table nor STATE_TABLE_NAME names the table */
  readonly cloudformation?: CloudFormationClient;
}

/** Orders still in flight: what the cycle and reconcile have yet to settle */
export const ACTIVE_STATUSES = ['OPEN', 'PARTIAL', 'CANCEL_REQUESTED', 'PENDING_SUBMIT', 'UNKNOWN'] as const;
export const CYCLES_SHOWN = 5;

export interface KillSwitchState {
  readonly parameter: string;
  readonly value: string | null;
  readonly meaning: string;
}

/** expiresInMs is null for a lease its holder released (free) */
export type LeaseReport = (Lease & { readonly expiresInMs: number | null }) | null;

export async function readKillSwitch(ssm: SSMClient, parameter: string): Promise<KillSwitchState> {
  try {
    const value = (await ssm.send(new GetParameterCommand({ Name: parameter }))).Parameter?.Value ?? '';
    return { parameter, value, meaning: killSwitchMeaning(value) };
  } catch (e) {
    return { parameter, value: null, meaning: `unreadable (${errorLine(e)}), so on: live orders are blocked` };
  }
}

export const leaseReport = (lease: Lease | undefined, nowMs: number): LeaseReport =>
  lease ? { ...lease, expiresInMs: lease.expiresAtMs === 0 ? null : lease.expiresAtMs - nowMs } : null;

export const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

export function leaseLine(lease: LeaseReport, never = 'no trading cycle has run for this account'): string {
  if (!lease) return `none (${never})`;
  if (lease.expiresInMs === null) return `${lease.name} free (released by ${lease.holder}), epoch ${lease.epoch}`;
  const expiry =
    lease.expiresInMs > 0 ? `expires in ${seconds(lease.expiresInMs)}` : `expired ${seconds(-lease.expiresInMs)} ago`;
  return `${lease.name} held by ${lease.holder}, epoch ${lease.epoch}, ${expiry}`;
}

export const indented = (title: string, header: string[], rows: string[][]): string[] => [
  '',
  title,
  ...(rows.length > 0 ? columns([header, ...rows]).map((l) => `  ${l}`) : ['  none']),
];

export const orderTable = (orders: readonly JournalOrder[], nowMs: number): string[] =>
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

/** Runtime transitions shown in text (the document keeps more; --json shows them all) */
export const TRANSITIONS_SHOWN = 5;

/** The runtime document as stored (null before the role's first cycle), or why it could not be read */
export type RuntimeReport =
  | { readonly key: string; readonly document: RuntimeDocument | null }
  | { readonly key: string; readonly unreadable: string };

export async function readRuntime(documents: DocumentStore, role: StageName, account: string): Promise<RuntimeReport> {
  const key = runtimeKey(role, account);
  try {
    return { key, document: (await readRuntimeDocument(documents, role, account)) ?? null };
  } catch (e) {
    if (e instanceof CorruptStateError) return { key, unreadable: errorLine(e) };
    throw e;
  }
}

export function runtimeLine(r: RuntimeReport, nowMs: number): string {
  if ('unreadable' in r) return `${r.key} unreadable (${r.unreadable})`;
  const d = r.document;
  if (!d) return 'none (no cycle has recorded one for this account)';
  const trigger = d.transitions[0]?.trigger ?? 'none';
  return (
    `${d.state} since ${iso(d.sinceMs)} (${seconds(nowMs - d.sinceMs)} ago), last trigger ${trigger}, ` +
    `last cycle ${d.lastCycleId}`
  );
}

export const runtimeTable = (r: RuntimeReport): string[] =>
  indented(
    'Last runtime transitions:',
    ['AT', 'CYCLE', 'FROM', 'TRIGGER', 'TO'],
    ('document' in r && r.document ? r.document.transitions.slice(0, TRANSITIONS_SHOWN) : []).map((t) => [
      iso(t.atMs),
      t.cycleId,
      t.from,
      t.trigger,
      t.to,
    ]),
  );
