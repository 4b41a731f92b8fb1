// `btcbot freeze status|clear`: the stage 4 unknown-order freeze (spec 3.7) of one account in the state
// table. A freeze stops every new stage 4 submit until an operator clears it here; nothing else lifts it.
// The clear writes over the version it read, so a cycle saving the freeze at the same moment makes it
// fail (exit 1, nothing written) rather than either overwriting the other. Usage errors exit 2.
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoStateStores } from '../../shared/adapters/dynamodb/state-stores';
import { readDegrade } from '../../shared/application/stage4/operator/degrade-operator';
import { clearStage4Freeze, parseFreezeClearRequest } from '../../shared/application/stage4/operator/freeze-operator';
import { freezeStateCodec, loadFreezeState } from '../../shared/application/stage4/state/freeze-state';
import { stage4Key } from '../../shared/application/stage4/state/stage4-document';
import type { Env } from '../../shared/config/load-config';
import { ConcurrentUpdateError, CorruptStateError, ValidationError } from '../../shared/domain/errors';
import type { FreezeState } from '../../shared/domain/oms/unknown-order-freeze';
import type { DocumentStore } from '../../shared/ports/state-store';
import { columns, iso } from './columns';
import type { CommandIo } from './config-command';
import { errorLine } from './error-line';
import { stateTableOrExit } from './resource-resolution';

export type FreezeAction = 'status' | 'clear';

export interface FreezeCommandOptions {
  /** Default BOT_ACCOUNT, else `default` */
  readonly account?: string;
  /** Default STATE_TABLE_NAME, else the StateTableName output of the --env stack */
  readonly table?: string;
  /** The deployed environment whose stack outputs name the table when neither --table nor STATE_TABLE_NAME does */
  readonly env?: string;
  /** With clear, required: why the freeze may lift (what was repaired) */
  readonly reason?: string;
  /** With clear: who clears; default USER, else LOGNAME */
  readonly operator?: string;
}

/** The state table and the --env stack that can name it */
export interface StateTableClients {
  readonly dynamodb: DynamoDBClient;
  /** Reads the --env stack's outputs; without it only --table and STATE_TABLE_NAME name the table */
  readonly cloudformation?: CloudFormationClient;
}

const TABLE_OPTIONS = '[--account <name>] [--table <name> | --env <name>]';
const FREEZE_USAGE: Readonly<Record<FreezeAction, string>> = {
  status: `usage: btcbot freeze status ${TABLE_OPTIONS}`,
  clear: `usage: btcbot freeze clear --reason <text> [--operator <name>] ${TABLE_OPTIONS}`,
};

/** The freeze as `freeze status` and `status --stage stage4` show it: label and value rows */
export function freezeRows(state: FreezeState): [string, string][] {
  const { active, lastClear } = state;
  const mismatches = [...state.mismatches].map(
    ([key, m]) => `${key} (${m.cycles} cycles in a row since ${iso(m.firstSeenMs)})`,
  );
  return [
    [
      'Freeze',
      active
        ? `ACTIVE since ${iso(active.sinceMs)} (${active.reason}): no stage 4 submit until an operator clears it`
        : 'not active',
    ],
    ...(active ? [['Triggered by', active.details.join(', ')] as [string, string]] : []),
    ['Mismatches', mismatches.length > 0 ? mismatches.join(', ') : 'none'],
    [
      'Last clear',
      lastClear
        ? `${iso(lastClear.atMs)} by ${lastClear.operator} (was ${lastClear.reason}): ${JSON.stringify(lastClear.note)}`
        : 'never',
    ],
  ];
}

interface Target {
  readonly table: string;
  readonly account: string;
}

/** A request's validation issues as the options they came from: `--cooldown-seconds: expected ...` */
export const optionProblems = (e: ValidationError): string =>
  e.issues.map((i) => `--${i.path.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${i.message}`).join('; ');

function usage(io: CommandIo, action: FreezeAction, problem: string): number {
  io.err(`freeze ${action}: ${problem}`);
  io.err(FREEZE_USAGE[action]);
  return 2;
}

export async function freezeCommand(
  clients: StateTableClients,
  env: Env,
  action: FreezeAction,
  options: FreezeCommandOptions,
  io: CommandIo,
  nowMs = Date.now(),
): Promise<number> {
  // every option is checked before the first AWS call
  let request: ReturnType<typeof parseFreezeClearRequest> | undefined;
  if (action === 'clear') {
    try {
      request = parseFreezeClearRequest({
        reason: options.reason,
        operator: options.operator ?? env.USER ?? env.LOGNAME,
      });
    } catch (e) {
      if (e instanceof ValidationError) return usage(io, action, optionProblems(e));
      throw e;
    }
  }
  const table = await stateTableOrExit(options, env, clients.cloudformation, {
    usage: (message) => usage(io, action, message),
    missing: (message) => io.err(`freeze ${action}: ${message}`),
  });
  if (typeof table === 'number') return table;
  const target = { table, account: options.account ?? env.BOT_ACCOUNT ?? 'default' };
  const { documents } = createDynamoStateStores(clients.dynamodb, table);
  const label = `${stage4Key(target.account, freezeStateCodec.name)} (table ${table})`;
  if (request === undefined) {
    try {
      const { value } = await loadFreezeState(documents, target.account);
      io.out(label);
      for (const line of columns(freezeRows(value))) io.out(line);
      return 0;
    } catch (e) {
      return failed(io, action, target, e);
    }
  }
  const { reason, operator } = request;
  let outcome: Awaited<ReturnType<typeof clearStage4Freeze>>;
  try {
    outcome = await clearStage4Freeze(documents, target.account, operator, reason, nowMs);
  } catch (e) {
    return failed(io, action, target, e);
  }
  if (!outcome.cleared) {
    io.out(`${label}: no active freeze, nothing to clear`);
    return 0;
  }
  const { was } = outcome;
  io.out(
    `${label}: cleared by ${operator} (reason: ${JSON.stringify(reason)}); it was active since ` +
      `${iso(was.sinceMs)} (${was.reason}: ${was.details.join(', ')})`,
  );
  await noteDegrade(documents, target.account, nowMs, io);
  if (outcome.state.mismatches.size > 0) {
    io.out(
      `warning: mismatches still tracked (${[...outcome.state.mismatches.keys()].join(', ')}): ` +
        'the next cycle that still sees one freezes again at once',
    );
  }
  return 0;
}

/** The freeze entered degrade level 3, whose cooldown a clear does not shorten: say so (the clear stands) */
async function noteDegrade(documents: DocumentStore, account: string, nowMs: number, io: CommandIo): Promise<void> {
  try {
    const { state, cooldownLeftMs, stableCyclesToStepDown } = await readDegrade(documents, account, nowMs);
    if (state.level === 0) return;
    io.out(
      `note: degrade level ${state.level} (${state.reasons.join(', ')}) still holds the mode through its ` +
        `cooldown (${Math.ceil(cooldownLeftMs / 1000)} s left), then steps down one level after ` +
        `${stableCyclesToStepDown} stable cycles; \`btcbot degrade clear --reset-level\` resumes at once`,
    );
  } catch (e) {
    io.out(`note: the degrade state could not be read (${errorLine(e)}); see degrade status`);
  }
}

function failed(io: CommandIo, action: FreezeAction, target: Target, e: unknown): number {
  const key = stage4Key(target.account, freezeStateCodec.name);
  if (e instanceof ConcurrentUpdateError)
    io.err(
      `freeze ${action}: ${key} changed since it was read (a stage 4 cycle saved it meanwhile); nothing was ` +
        'written: run freeze status and clear again',
    );
  else if (e instanceof CorruptStateError)
    io.err(`freeze ${action}: ${errorLine(e)} (repair or delete the item; until then every stage 4 cycle stops)`);
  else io.err(`freeze ${action}: cannot use state table ${target.table}: ${errorLine(e)}`);
  return 1;
}
