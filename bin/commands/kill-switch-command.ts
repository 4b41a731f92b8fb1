// `btcbot kill-switch on|off|status|clear-stored --env <name>`: flips or reads the SSM kill switch
// /btcbot/<env>/kill-switch that the stage 3 cycle reads before every live order, and shows or clears the
// stored kill switch of the op-state document (spec 9.1.5) that escalation sets and only an operator
// clears. Writes only "on" or "off" (Overwrite) to SSM; every failure is one line on stderr and a non-zero
// exit code.
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { createDynamoStateStores } from '../../shared/adapters/dynamodb/state-stores';
import {
  clearStoredKillSwitch,
  clearStoredSymbol,
  OpStateUnreadableError,
  opStateKey,
  readOpState,
} from '../../shared/application/op-state';
import { clearStage7KillChain, killChainKey } from '../../shared/application/stage7/cycle-kill-chain';
import type { Env } from '../../shared/config/load-config';
import { killSwitchReadsOn } from '../../shared/domain/arming';
import { UnresolvedResourceError } from '../../shared/domain/errors';
import { observeOnlySymbols } from '../../shared/domain/escalation';
import { canonicalSymbol } from '../../shared/domain/symbols';
import type { DocumentStore } from '../../shared/ports/state-store';
import { awsEnvironmentCause } from './aws-cause';
import { iso } from './columns';
import type { CommandIo } from './config-command';
import { errorLine } from './error-line';
import type { KillSwitchAction } from './kill-switch-actions';
import { resolveStateTable } from './resource-resolution';

export interface KillSwitchCommandOptions {
  /** Environment name: the parameter is /btcbot/<env>/kill-switch */
  readonly env: string;
  /** Account of the stored kill switch (op-state); default BOT_ACCOUNT, else `default` */
  readonly account?: string;
  /**
   * State table of the stored kill switch; default STATE_TABLE_NAME, else the --env stack's output (when the
   * access has a CloudFormation client). Without one only SSM is shown
   */
  readonly table?: string;
  /** With clear-stored: clear this symbol's observe-only instead of the stored kill switch */
  readonly symbol?: string;
  /** With clear-stored: `stage7` clears stage 7's own kill switch (its kill chain) instead of the account's */
  readonly stage?: string;
}

/** Where the stored kill switch is read from: the table's client, and the environment for the defaults */
export interface StoredKillSwitchAccess {
  readonly dynamodb: DynamoDBClient;
  readonly env?: Env;
  /** Reads the --env stack's outputs for the table; without it only --table and STATE_TABLE_NAME name it */
  readonly cloudformation?: CloudFormationClient;
}

const ENV_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** What a stored value means to the cycle: only the exact text "off" lets live orders through */
export const killSwitchMeaning = (value: string): string =>
  !killSwitchReadsOn(value)
    ? 'off: live orders are allowed when every other arming gate is on'
    : `${value === 'on' ? 'on' : `${JSON.stringify(value)} (not "off", so on)`}: live orders are blocked`;

export interface ObserveOnlySymbol {
  readonly symbol: string;
  readonly sinceMs: number;
  readonly consecutiveFailures: number;
  readonly lastClientOrderId: string | null;
}

/** The stored kill switch and observe-only symbols of one account, as `status` and `kill-switch` show them */
export interface StoredKillSwitchReport {
  readonly key: string;
  /** On when set, and when the document is unreadable (fail closed) */
  readonly on: boolean;
  readonly reason: string | null;
  readonly sinceMs: number | null;
  readonly meaning: string;
  readonly observeOnlySymbols: ObserveOnlySymbol[];
  /** Why the document could not be used, or null */
  readonly unreadable: string | null;
}

/** @throws the store's errors (a missing table, no access); a corrupt document is reported, not thrown */
export async function readStoredKillSwitch(documents: DocumentStore, account: string): Promise<StoredKillSwitchReport> {
  const key = opStateKey(account);
  try {
    const { state } = await readOpState(documents, account);
    const ks = state.killSwitch;
    return {
      key,
      on: ks !== undefined,
      reason: ks?.reason ?? null,
      sinceMs: ks?.sinceMs ?? null,
      meaning: ks
        ? `on since ${iso(ks.sinceMs)} (${ks.reason}): live orders are blocked until an operator clears it`
        : 'off',
      observeOnlySymbols: observeOnlySymbols(state).map((symbol) => {
        const s = state.symbols[symbol];
        return {
          symbol,
          sinceMs: s?.observeOnlySinceMs ?? 0,
          consecutiveFailures: s?.consecutiveFailures ?? 0,
          lastClientOrderId: s?.lastClientOrderId ?? null,
        };
      }),
      unreadable: null,
    };
  } catch (e) {
    if (!(e instanceof OpStateUnreadableError)) throw e;
    return {
      key,
      on: true,
      reason: 'op_state_unreadable',
      sinceMs: null,
      meaning: `unreadable (${errorLine(e)}), so on: live orders are blocked`,
      observeOnlySymbols: [],
      unreadable: e.message,
    };
  }
}

export const observeOnlyLine = (symbols: readonly ObserveOnlySymbol[]): string =>
  symbols.length === 0
    ? 'none'
    : symbols
        .map(
          (s) =>
            `${s.symbol} (since ${iso(s.sinceMs)}, ${s.consecutiveFailures} failed reconciles` +
            `${s.lastClientOrderId ? `, last ${s.lastClientOrderId}` : ''})`,
        )
        .join(', ');

interface StoredTarget {
  readonly documents: DocumentStore;
  readonly account: string;
  readonly table: string;
  readonly label: string;
}

/**
 * @returns undefined when nothing names a table
 * @throws UnresolvedResourceError when the --env stack or its output is missing
 */
async function storedTarget(
  options: KillSwitchCommandOptions,
  stored: StoredKillSwitchAccess | undefined,
): Promise<StoredTarget | undefined> {
  if (!stored) return undefined;
  let table: string;
  try {
    table = await resolveStateTable(options, stored.env ?? {}, stored.cloudformation);
  } catch (e) {
    if (e instanceof UnresolvedResourceError && e.usage) return undefined;
    throw e;
  }
  const account = options.account ?? stored.env?.BOT_ACCOUNT ?? 'default';
  const documents = createDynamoStateStores(stored.dynamodb, table).documents;
  return { documents, account, table, label: `stored kill switch ${opStateKey(account)} (table ${table})` };
}

async function clearStored(
  target: StoredTarget,
  symbol: string | undefined,
  stage7: boolean,
  io: CommandIo,
): Promise<void> {
  if (stage7) {
    const was = await clearStage7KillChain(target.documents, target.account);
    const label = `stage 7 kill switch ${killChainKey(target.account)} (table ${target.table})`;
    io.out(
      was
        ? `${label} cleared and its error count reset (was set at ${iso(was.sinceMs)}: ${was.reason})`
        : `${label} was already off; error count reset`,
    );
    return;
  }
  if (symbol !== undefined) {
    const had = await clearStoredSymbol(target.documents, target.account, symbol);
    io.out(
      had
        ? `${symbol} of ${opStateKey(target.account)} (table ${target.table}): observe-only and failure count cleared`
        : `${symbol} of ${opStateKey(target.account)} (table ${target.table}) had no escalation`,
    );
    return;
  }
  const was = await clearStoredKillSwitch(target.documents, target.account);
  io.out(
    was
      ? `${target.label} cleared (was on since ${iso(was.sinceMs)}: ${was.reason})`
      : `${target.label} was already off`,
  );
  const after = await readStoredKillSwitch(target.documents, target.account);
  if (after.observeOnlySymbols.length > 0) {
    io.out(`observe-only symbols remain: ${observeOnlyLine(after.observeOnlySymbols)} (clear one with --symbol)`);
  }
}

export async function killSwitchCommand(
  ssm: SSMClient,
  action: KillSwitchAction,
  options: KillSwitchCommandOptions,
  io: CommandIo,
  stored?: StoredKillSwitchAccess,
): Promise<number> {
  if (!ENV_NAME.test(options.env)) {
    io.err(`kill-switch: invalid --env ${JSON.stringify(options.env)} (letters, digits, _ . - only)`);
    return 2;
  }
  if (options.symbol !== undefined && action !== 'clear-stored') {
    io.err('kill-switch: --symbol goes with clear-stored only');
    return 2;
  }
  if (options.stage !== undefined && (options.stage !== 'stage7' || action !== 'clear-stored' || options.symbol)) {
    io.err(
      'kill-switch: --stage takes stage7 only, with clear-stored and without --symbol (stage 3 and 4 share the ' +
        "account's stored kill switch, which clear-stored clears without --stage)",
    );
    return 2;
  }
  let symbol: string | undefined;
  try {
    symbol = options.symbol === undefined ? undefined : canonicalSymbol(options.symbol);
  } catch (e) {
    io.err(`kill-switch: invalid --symbol: ${errorLine(e)}`);
    return 2;
  }
  if (action === 'clear-stored') {
    let target: StoredTarget | undefined;
    try {
      target = await storedTarget(options, stored);
    } catch (e) {
      if (!(e instanceof UnresolvedResourceError)) throw e;
      io.err(`kill-switch clear-stored: ${e.message}`);
      return 1;
    }
    if (!target) {
      io.err('kill-switch clear-stored: no state table: pass --table <name> or set STATE_TABLE_NAME');
      return 2;
    }
    try {
      await clearStored(target, symbol, options.stage === 'stage7', io);
      return 0;
    } catch (e) {
      const hint = e instanceof OpStateUnreadableError ? ' (repair or delete the item; until then it reads on)' : '';
      io.err(`kill-switch clear-stored ${target.label} failed: ${errorLine(e)}${hint}`);
      return 1;
    }
  }
  const name = `/btcbot/${options.env}/kill-switch`;
  try {
    if (action === 'status') {
      const got = await ssm.send(new GetParameterCommand({ Name: name }));
      io.out(`${name} = ${killSwitchMeaning(got.Parameter?.Value ?? '')}`);
    } else {
      await ssm.send(new PutParameterCommand({ Name: name, Value: action, Type: 'String', Overwrite: true }));
      io.out(`${name} set to ${killSwitchMeaning(action)}`);
    }
  } catch (e) {
    const reason =
      e instanceof ParameterNotFound
        ? `parameter not found (is the ${options.env} stack deployed in this account and region?)`
        : (awsEnvironmentCause(e, stored?.env) ?? errorLine(e));
    io.err(`kill-switch ${action} ${name} failed: ${reason}`);
    return 1;
  }
  // `on` blocks whatever the stored switch says: it is not read, so nothing can delay or fail the emergency stop
  if (action === 'on') return 0;
  let target: StoredTarget | undefined;
  try {
    target = await storedTarget(options, stored);
  } catch (e) {
    if (!(e instanceof UnresolvedResourceError)) throw e;
    io.err(`kill-switch ${action}: the stored kill switch was not read: ${e.message}`);
    return action === 'status' ? 1 : 0;
  }
  if (!target) return 0;
  try {
    const report = await readStoredKillSwitch(target.documents, target.account);
    if (action === 'status') {
      io.out(`${target.label} = ${report.meaning}`);
      io.out(`observe-only symbols: ${observeOnlyLine(report.observeOnlySymbols)}`);
    } else if (report.on) {
      io.out(`note: ${target.label} is still ${report.meaning}; clear it with kill-switch clear-stored`);
    }
    return 0;
  } catch (e) {
    // the SSM switch was written; only reading the stored one failed
    io.err(`kill-switch ${action} ${target.label} failed: ${errorLine(e)}`);
    return action === 'status' ? 1 : 0;
  }
}
