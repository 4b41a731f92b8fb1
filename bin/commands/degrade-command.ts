// `btcbot degrade status|clear|override`: the stage 4 degrade level of one account (spec 3.16) and the
// operator's override of it (anomaly code MANUAL_OVERRIDE). An override makes the mode at least as strict
// as its own until it ends; it never relaxes one. Only the override document is written, over the version
// read: a concurrent change fails (exit 1, nothing written). Usage errors exit 2.
import { createDynamoStateStores } from '../../shared/adapters/dynamodb/state-stores';
import {
  clearDegradeOverride,
  DEFAULT_OVERRIDE_SECONDS,
  type DegradeView,
  MAX_OVERRIDE_SECONDS,
  type OverrideChange,
  parseDegradeOverrideRequest,
  readDegrade,
  resetDegradeLevel,
  setDegradeOverride,
} from '../../shared/application/stage4/operator/degrade-operator';
import { degradeOverrideCodec } from '../../shared/application/stage4/state/degrade-override';
import { degradeStateCodec } from '../../shared/application/stage4/state/degrade-state';
import { stage4Key } from '../../shared/application/stage4/state/stage4-document';
import type { Env } from '../../shared/config/load-config';
import { ConcurrentUpdateError, CorruptStateError, ValidationError } from '../../shared/domain/errors';
import type { OperatorOverride } from '../../shared/domain/risk/degrade';
import { MODES } from '../../shared/domain/risk/mode';
import { columns, iso } from './columns';
import type { CommandIo } from './config-command';
import { errorLine } from './error-line';
import { optionProblems, type StateTableClients } from './freeze-command';
import { stateTableOrExit } from './resource-resolution';

export type DegradeAction = 'status' | 'clear' | 'override';

export interface DegradeCommandOptions {
  /** Default BOT_ACCOUNT, else `default` */
  readonly account?: string;
  /** Default STATE_TABLE_NAME, else the StateTableName output of the --env stack */
  readonly table?: string;
  /** The deployed environment whose stack outputs name the table when neither --table nor STATE_TABLE_NAME does */
  readonly env?: string;
  /** With override, required: NORMAL, REDUCE_RISK_ONLY or OBSERVE_ONLY */
  readonly mode?: string;
  /** With override, required */
  readonly reason?: string;
  /** With override: how long it lasts, whole seconds (default 900) */
  readonly cooldownSeconds?: string;
  /** With clear: also put the degrade level back to 0 (the next cycle re-enters what its anomalies call for) */
  readonly resetLevel?: boolean;
}

const TABLE_OPTIONS = '[--account <name>] [--table <name> | --env <name>]';
const DEGRADE_USAGE: Readonly<Record<DegradeAction, string>> = {
  status: `usage: btcbot degrade status ${TABLE_OPTIONS}`,
  clear: `usage: btcbot degrade clear [--reset-level] ${TABLE_OPTIONS}`,
  override:
    `usage: btcbot degrade override --mode ${MODES.join('|')} --reason <text> ` +
    `[--cooldown-seconds <1..${MAX_OVERRIDE_SECONDS}, default ${DEFAULT_OVERRIDE_SECONDS}>] ${TABLE_OPTIONS}`,
};

const seconds = (ms: number) => `${Math.ceil(ms / 1000)} s`;

const overrideText = (o: OperatorOverride, nowMs: number): string =>
  `${o.mode} until ${iso(o.untilMs)} (${nowMs < o.untilMs ? `${seconds(o.untilMs - nowMs)} left` : 'expired'})` +
  (o.reason === undefined ? '' : `: ${JSON.stringify(o.reason)}`);

/** The degrade level, its cooldown and the override as `degrade status` and `status --stage stage4` show them */
export function degradeRows(view: DegradeView, nowMs: number): [string, string][] {
  const { state, policy } = view;
  const cooldown =
    state.cooldownUntilMs === undefined
      ? 'none'
      : view.cooldownLeftMs > 0
        ? `until ${iso(state.cooldownUntilMs)} (${seconds(view.cooldownLeftMs)} left)`
        : `ended ${iso(state.cooldownUntilMs)}`;
  return [
    [
      'Degrade level',
      `${state.level}: mode ${policy.modeOverride ?? 'unchanged'}, BUY quantity x ${policy.buyShrinkFactor.toFixed()}, ` +
        `universe cap ${policy.universeCap ?? 'none'}`,
    ],
    ['Degrade reasons', state.reasons.length > 0 ? state.reasons.join(', ') : 'none'],
    ['Cooldown', cooldown],
    ...(state.level > 0
      ? [
          ['Steps down', `after ${view.stableCyclesToStepDown} more stable cycles once the cooldown is over`] as [
            string,
            string,
          ],
        ]
      : []),
    ['Override', view.override ? overrideText(view.override, nowMs) : 'none'],
  ];
}

function usage(io: CommandIo, action: DegradeAction, problem: string): number {
  io.err(`degrade ${action}: ${problem}`);
  io.err(DEGRADE_USAGE[action]);
  return 2;
}

export async function degradeCommand(
  clients: StateTableClients,
  env: Env,
  action: DegradeAction,
  options: DegradeCommandOptions,
  io: CommandIo,
  nowMs = Date.now(),
): Promise<number> {
  // every option is checked before the first AWS call
  let request: ReturnType<typeof parseDegradeOverrideRequest> | undefined;
  if (action === 'override') {
    try {
      request = parseDegradeOverrideRequest({
        mode: options.mode,
        reason: options.reason,
        cooldownSeconds: options.cooldownSeconds,
      });
    } catch (e) {
      if (e instanceof ValidationError) return usage(io, action, optionProblems(e));
      throw e;
    }
  } else if (options.mode !== undefined || options.reason !== undefined || options.cooldownSeconds !== undefined) {
    return usage(io, action, '--mode, --reason and --cooldown-seconds go with override only');
  }
  if (options.resetLevel && action !== 'clear') return usage(io, action, '--reset-level goes with clear only');
  const table = await stateTableOrExit(options, env, clients.cloudformation, {
    usage: (message) => usage(io, action, message),
    missing: (message) => io.err(`degrade ${action}: ${message}`),
  });
  if (typeof table === 'number') return table;
  const account = options.account ?? env.BOT_ACCOUNT ?? 'default';
  const { documents } = createDynamoStateStores(clients.dynamodb, table);
  const label = `${stage4Key(account, degradeOverrideCodec.name)} (table ${table})`;
  try {
    if (request !== undefined) {
      const change = await setDegradeOverride(documents, account, request, nowMs);
      io.out(`${label}: override set${changeText(change, nowMs)}`);
      if (request.mode === 'NORMAL')
        io.out(
          "note: NORMAL relaxes nothing: it only replaces a stricter override; the degrade level stays the cycle's",
        );
    } else if (action === 'clear') {
      const change = await clearDegradeOverride(documents, account);
      io.out(
        change.written
          ? `${label}: override cleared${changeText(change, nowMs)}`
          : `${label}: no override, nothing to clear`,
      );
      if (options.resetLevel) {
        const previous = await resetDegradeLevel(documents, account);
        io.out(
          previous
            ? `${stage4Key(account, degradeStateCodec.name)}: level ${previous.level} (${previous.reasons.join(', ') || 'no reasons'}) ` +
                'reset to 0; the next cycle re-enters any level its anomalies still call for'
            : `${stage4Key(account, degradeStateCodec.name)}: already level 0, nothing to reset`,
        );
      }
    }
  } catch (e) {
    return failed(io, action, label, table, e);
  }
  let view: DegradeView;
  try {
    view = await readDegrade(documents, account, nowMs);
  } catch (e) {
    if (action === 'status') return failed(io, action, label, table, e);
    // the override was written; only showing the level failed
    io.out(`note: the degrade state could not be read (${errorLine(e)}); see degrade status`);
    return 0;
  }
  if (action === 'status') io.out(`stage 4 degrade of ${account} (table ${table})`);
  else if (action === 'clear' && view.state.level > 0)
    io.out(
      `note: degrade level ${view.state.level} stays through its cooldown, then steps down one level after ` +
        `${view.stableCyclesToStepDown} stable cycles`,
    );
  for (const line of columns(degradeRows(view, nowMs))) io.out(line);
  return 0;
}

function failed(io: CommandIo, action: DegradeAction, label: string, table: string, e: unknown): number {
  if (e instanceof ConcurrentUpdateError)
    io.err(
      `degrade ${action}: ${label} changed since it was read; nothing was written: check degrade status and retry`,
    );
  else if (e instanceof CorruptStateError) io.err(`degrade ${action}: ${errorLine(e)} (repair or delete the item)`);
  else io.err(`degrade ${action}: cannot use state table ${table}: ${errorLine(e)}`);
  return 1;
}

const changeText = (change: OverrideChange, nowMs: number): string =>
  (change.override ? `: ${overrideText(change.override, nowMs)}` : '') +
  (change.previous ? `; was ${overrideText(change.previous, nowMs)}` : '');
