// Which deployed resource a command works on: the command's flag (e.g. --table), else the environment variable
// the functions read (STATE_TABLE_NAME...), else the output of the environment's stateful stack for --env
// (Btcbot-<env>-Stateful, lib/stateful-stack.ts). A name nothing gives is a usage error (exit 2); a stack or
// output that is not there is a problem of the environment (exit 1), said in one line with what to pass instead.
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { readStackOutputs } from '../../shared/adapters/cloudformation/stack-outputs';
import type { Env } from '../../shared/config/load-config';
import { UnresolvedResourceError } from '../../shared/domain/errors';
import { awsEnvironmentCause } from './aws-cause';
import { errorLine } from './error-line';

/**
 * The stateful stack of an environment: lib/app.ts `stackNames(env).stateful` (a unit test holds them equal;
 * importing lib/app.ts would load the CDK into every command)
 */
export const statefulStackName = (envName: string): string => `Btcbot-${envName}-Stateful`;

/** Each resource: its CfnOutput in the stateful stack, and the variable the deployed functions get it in */
export const STACK_RESOURCES = {
  stateTable: { what: 'state table', output: 'StateTableName', variable: 'STATE_TABLE_NAME' },
  reconcileQueue: { what: 'reconcile queue', output: 'ReconcileQueueUrl', variable: 'RECONCILE_QUEUE_URL' },
  killSwitchParameter: {
    what: 'kill switch parameter',
    output: 'KillSwitchParameterName',
    variable: 'KILL_SWITCH_PARAMETER',
  },
  credentialsSecret: { what: 'credentials secret', output: 'CredentialsSecretName', variable: 'BTCTURK_SECRET_ID' },
} as const;
export type StackResource = keyof typeof STACK_RESOURCES;

export interface ResourceSources {
  /** The command's own flag and its name, e.g. { name: '--table', value: options.table } */
  readonly flag?: { readonly name: string; readonly value: string | undefined };
  /** The command's environment (commandEnvironment()) */
  readonly env: Env;
  /** --env: the deployed environment whose stack outputs name the resource; none means no stack is read */
  readonly stack?: { readonly envName: string; readonly cloudformation: CloudFormationClient };
}

/**
 * @returns the resource's name (a queue: its URL)
 * @throws UnresolvedResourceError: `usage` when neither flag, variable nor --env is given; otherwise the stack or
 *   its output is missing, or the stack could not be read (region, credentials, endpoint: named)
 */
export async function resolveResourceName(resource: StackResource, sources: ResourceSources): Promise<string> {
  const { what, output, variable } = STACK_RESOURCES[resource];
  const given = sources.flag?.value ?? sources.env[variable];
  if (given) return given;
  const instead = `${sources.flag ? `pass ${sources.flag.name} <name> or ` : ''}set ${variable}`;
  if (sources.stack === undefined) {
    throw new UnresolvedResourceError(
      `no ${what}: ${instead}, or pass --env <name> to read it from the stack's outputs`,
      true,
    );
  }
  const { envName, cloudformation } = sources.stack;
  const stackName = statefulStackName(envName);
  let stack: Awaited<ReturnType<typeof readStackOutputs>>;
  try {
    stack = await readStackOutputs(cloudformation, stackName);
  } catch (e) {
    const cause = awsEnvironmentCause(e, sources.env) ?? errorLine(e);
    throw new UnresolvedResourceError(`cannot read stack ${stackName} for the ${what}: ${cause}`, false, { cause: e });
  }
  if (stack === undefined) {
    throw new UnresolvedResourceError(
      `stack ${stackName} not found (is --env ${envName} deployed in this account and region?): ` +
        `deploy it, or ${instead}`,
      false,
    );
  }
  const name = stack.outputs.get(output);
  if (!name) {
    throw new UnresolvedResourceError(
      `stack ${stackName} (${stack.status}) has no output ${output} for the ${what}: ${instead}`,
      false,
    );
  }
  return name;
}

/**
 * The state table of an operator command: --table, else STATE_TABLE_NAME, else the StateTableName output of the
 * --env stack (read only when a CloudFormation client is given)
 * @throws UnresolvedResourceError as resolveResourceName
 */
export const resolveStateTable = (
  options: { readonly table?: string; readonly env?: string },
  env: Env,
  cloudformation: CloudFormationClient | undefined,
): Promise<string> =>
  resolveResourceName('stateTable', {
    flag: { name: '--table', value: options.table },
    env,
    stack: options.env !== undefined && cloudformation ? { envName: options.env, cloudformation } : undefined,
  });

/** The exit code of a resolution failure: 2 when nothing named the resource, 1 when the environment lacks it */
export const unresolvedExitCode = (e: UnresolvedResourceError): number => (e.usage ? 2 : 1);

/** How an operator command reports a state table it could not resolve */
export interface UnresolvedReport {
  /** Nothing named the table: the command's usage error, returning its exit code */
  readonly usage: (message: string) => number;
  /** The --env stack or its output is missing: one line (exit 1 follows) */
  readonly missing: (message: string) => void;
}

/**
 * resolveStateTable for an operator command: the table, or the exit code once `report` has said why there is none
 * @throws what resolveStateTable throws besides UnresolvedResourceError
 */
export async function stateTableOrExit(
  options: { readonly table?: string; readonly env?: string },
  env: Env,
  cloudformation: CloudFormationClient | undefined,
  report: UnresolvedReport,
): Promise<string | number> {
  try {
    return await resolveStateTable(options, env, cloudformation);
  } catch (e) {
    if (!(e instanceof UnresolvedResourceError)) throw e;
    if (e.usage) return report.usage(e.message);
    report.missing(e.message);
    return unresolvedExitCode(e);
  }
}
