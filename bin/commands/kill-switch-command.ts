// `btcbot kill-switch on|off|status --env <name>`: flips or reads the SSM kill switch
// /btcbot/<env>/kill-switch that the stage 3 cycle reads before every live order. Writes only "on" or
// "off" (Overwrite); every failure is one line on stderr and a non-zero exit code.
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { killSwitchReadsOn } from '../../shared/domain/arming';
import type { CommandIo } from './config-command';

export const KILL_SWITCH_ACTIONS = ['on', 'off', 'status'] as const;
export type KillSwitchAction = (typeof KILL_SWITCH_ACTIONS)[number];

export interface KillSwitchCommandOptions {
  /** Environment name: the parameter is /btcbot/<env>/kill-switch */
  readonly env: string;
}

const ENV_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** What a stored value means to the cycle: only the exact text "off" lets live orders through */
export const killSwitchMeaning = (value: string): string =>
  !killSwitchReadsOn(value)
    ? 'off: live orders are allowed when every other arming gate is on'
    : `${value === 'on' ? 'on' : `${JSON.stringify(value)} (not "off", so on)`}: live orders are blocked`;

export async function killSwitchCommand(
  ssm: SSMClient,
  action: KillSwitchAction,
  options: KillSwitchCommandOptions,
  io: CommandIo,
): Promise<number> {
  if (!ENV_NAME.test(options.env)) {
    io.err(`kill-switch: invalid --env ${JSON.stringify(options.env)} (letters, digits, _ . - only)`);
    return 2;
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
    return 0;
  } catch (e) {
    const reason =
      e instanceof ParameterNotFound
        ? `parameter not found (is the ${options.env} stack deployed in this account and region?)`
        : `${(e as Error).name}: ${(e as Error).message.split('\n')[0]}`;
    io.err(`kill-switch ${action} ${name} failed: ${reason}`);
    return 1;
  }
}
