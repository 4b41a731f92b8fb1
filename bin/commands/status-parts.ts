// What the stages' `btcbot status` show alike: the options, the SSM kill switch (stages 3 and 4), the lease,
// the in-flight orders table, and the small renderers they share.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { JournalOrder, Lease } from '../../shared/ports/state-store';
import { columns } from './columns';

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
