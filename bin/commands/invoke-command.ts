// `btcbot invoke <function> --event <file>`: runs a function's real handler in this process, like
// `sam local invoke`. By default its own composition root builds it from the environment (the AWS SDK
// honours AWS_ENDPOINT_URL, e.g. moto_server); with --local it runs on the local world of `btcbot local`
// (in-memory state, the BTCTurk simulator), with no AWS at all. A scheduled event fires "now" unless
// --keep-time: the sample events carry a fixed time, and a late firing runs no cycle (expired).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { Context, SQSEvent } from 'aws-lambda';
import { compose as composeReconcile } from '../../functions/reconcile/compose';
import { createHandler as createReconcileHandler } from '../../functions/reconcile/handler';
import { compose as composeStage3 } from '../../functions/stage3-cycle/compose';
import { createHandler as createStage3Handler } from '../../functions/stage3-cycle/handler';
import { compose as composeStage4 } from '../../functions/stage4-cycle/compose';
import { createHandler as createStage4Handler } from '../../functions/stage4-cycle/handler';
import { compose as composeStage7 } from '../../functions/stage7-cycle/compose';
import { createHandler as createStage7Handler } from '../../functions/stage7-cycle/handler';
import {
  RECONCILE_TIMEOUT,
  STAGE3_CYCLE_TIMEOUT,
  STAGE4_CYCLE_TIMEOUT,
  STAGE7_CYCLE_TIMEOUT,
} from '../../lib/function-timeouts';
import { lambdaContext } from '../../local/runner/lambda-context';
import { DEFAULT_LOCAL_OPTIONS } from '../../local/runner/options';
import { assembleWorld, type LocalWorld } from '../../local/runner/world';
import type { Env } from '../../shared/config/load-config';
import { stage7Environment } from '../../shared/config/stage7-environment';
import { UnresolvedResourceError } from '../../shared/domain/errors';
import { lazy } from '../../shared/lambda/lazy';
import type { CommandIo } from './config-command';
import { errorLine } from './error-line';
import { INVOKE_FUNCTION_NAMES, INVOKE_FUNCTIONS, type InvokeFunctionName } from './invoke-functions';
import { resolveResourceName, STACK_RESOURCES, type StackResource, unresolvedExitCode } from './resource-resolution';

type Invoke = (event: unknown, context: Context) => Promise<unknown>;

interface InvokableFunction {
  /** What the stack gives the deployed function (lib/stateless-stack.ts binds): --env fills what env lacks */
  readonly resources: readonly StackResource[];
  /** The deployed function's timeout: what getRemainingTimeInMillis counts down from */
  readonly timeoutMs: number;
  readonly deployed: (env: Env) => Invoke;
  readonly local: (world: LocalWorld) => Invoke;
}

const FUNCTIONS: Readonly<Record<InvokeFunctionName, InvokableFunction>> = {
  'stage3-cycle': {
    resources: ['stateTable', 'reconcileQueue', 'killSwitchParameter', 'credentialsSecret'],
    timeoutMs: STAGE3_CYCLE_TIMEOUT.toMilliseconds(),
    deployed: (env) => createStage3Handler(lazy(() => composeStage3(env))),
    local: (world) => world.stage3,
  },
  'stage4-cycle': {
    resources: ['stateTable', 'reconcileQueue', 'killSwitchParameter', 'credentialsSecret'],
    timeoutMs: STAGE4_CYCLE_TIMEOUT.toMilliseconds(),
    deployed: (env) => createStage4Handler(lazy(() => composeStage4(env))),
    local: (world) => world.stage4,
  },
  'stage7-cycle': {
    resources: ['stateTable'],
    timeoutMs: STAGE7_CYCLE_TIMEOUT.toMilliseconds(),
    deployed: (env) => createStage7Handler(lazy(() => composeStage7(stage7Environment(env)))),
    local: (world) => world.stage7,
  },
  reconcile: {
    resources: ['stateTable', 'reconcileQueue', 'credentialsSecret'],
    timeoutMs: RECONCILE_TIMEOUT.toMilliseconds(),
    deployed: (env) => {
      const handler = createReconcileHandler(lazy(() => composeReconcile(env)));
      return (event, context) => handler(event as SQSEvent, context);
    },
    local: (world) => (event, context) => world.reconcile(event as SQSEvent, context),
  },
};

export interface InvokeCommandOptions {
  /** Path of the event JSON file (samples in events/<function>/) */
  readonly event: string;
  /** In-memory state and the BTCTurk simulator instead of AWS */
  readonly local?: boolean;
  /** Keep a scheduled event's `time` instead of firing it now */
  readonly keepTime?: boolean;
  /** The deployed environment whose stack outputs give the names the environment does not set (not with local) */
  readonly env?: string;
}

const isScheduledEvent = (event: unknown): event is Record<string, unknown> =>
  typeof event === 'object' &&
  event !== null &&
  (event as Record<string, unknown>)['detail-type'] === 'Scheduled Event';

/** The event as if its schedule fired at `nowMs` (other events unchanged) */
const firedAt = (event: unknown, nowMs: number): unknown =>
  isScheduledEvent(event) ? { ...event, time: new Date(nowMs).toISOString() } : event;

function invocationContext(name: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return { ...lambdaContext(name, randomUUID()), getRemainingTimeInMillis: () => deadline - Date.now() };
}

/** The environment with each name the function needs and env lacks read from the --env stack's outputs */
async function withStackNames(
  env: Env,
  resources: readonly StackResource[],
  envName: string,
  cloudformation: CloudFormationClient,
): Promise<Env> {
  const stack = { envName, cloudformation };
  const names = await Promise.all(resources.map((r) => resolveResourceName(r, { env, stack })));
  return { ...env, ...Object.fromEntries(resources.map((r, i) => [STACK_RESOURCES[r].variable, names[i]])) };
}

/** Prints the handler's result as JSON; exit 1 with one line when the handler throws, 2 on bad input */
export async function invokeCommand(
  functionName: string,
  options: InvokeCommandOptions,
  env: Env,
  io: CommandIo,
  cloudformation?: CloudFormationClient,
): Promise<number> {
  const name = (Object.keys(INVOKE_FUNCTIONS) as InvokeFunctionName[]).find(
    (n) => functionName === n || functionName === INVOKE_FUNCTIONS[n],
  );
  if (!name) {
    io.err(`invoke: unknown function ${JSON.stringify(functionName)} (one of ${INVOKE_FUNCTION_NAMES.join(', ')})`);
    return 2;
  }
  const fn = FUNCTIONS[name];
  let event: unknown;
  try {
    event = JSON.parse(readFileSync(options.event, 'utf8'));
  } catch (e) {
    io.err(`invoke: cannot read event file ${options.event}: ${errorLine(e)}`);
    return 2;
  }
  if (options.env !== undefined && options.local) {
    io.err('invoke: --env names a deployed environment; --local runs without AWS: give one of them');
    return 2;
  }
  let deployedEnv = env;
  if (options.env !== undefined && cloudformation) {
    try {
      deployedEnv = await withStackNames(env, fn.resources, options.env, cloudformation);
    } catch (e) {
      if (!(e instanceof UnresolvedResourceError)) throw e;
      io.err(`invoke: ${e.message}`);
      return unresolvedExitCode(e);
    }
  }
  const world = options.local ? await assembleWorld({ ...DEFAULT_LOCAL_OPTIONS, liveSim: false }) : undefined;
  try {
    const handler = world ? fn.local(world) : fn.deployed(deployedEnv);
    const nowMs = world ? world.clock.nowMs() : Date.now();
    const delivered = options.keepTime ? event : firedAt(event, nowMs);
    const result = await handler(delivered, invocationContext(name, fn.timeoutMs));
    io.out(JSON.stringify(result ?? null, null, 2));
    return 0;
  } catch (e) {
    io.err(`invoke ${name} failed: ${errorLine(e)}`);
    return 1;
  } finally {
    await world?.close();
  }
}
