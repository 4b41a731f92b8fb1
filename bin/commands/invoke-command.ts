// `btcbot invoke <function> --event <file>`: runs a function's real handler in this process, like
// `sam local invoke`. By default its own composition root builds it from the environment (the AWS SDK
// honours AWS_ENDPOINT_URL, e.g. moto_server); with --local it runs on the local world of `btcbot local`
// (in-memory state, the BTCTurk simulator), with no AWS at all. A scheduled event fires "now" unless
// --keep-time: the sample events carry a fixed time, and a late firing runs no cycle (expired).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
import { lazy } from '../../shared/lambda/lazy';
import type { CommandIo } from './config-command';
import { errorLine } from './error-line';

type Invoke = (event: unknown, context: Context) => Promise<unknown>;

interface InvokableFunction {
  /** The CDK logical id, accepted as an alias */
  readonly logicalId: string;
  /** The deployed function's timeout: what getRemainingTimeInMillis counts down from */
  readonly timeoutMs: number;
  readonly deployed: (env: Env) => Invoke;
  readonly local: (world: LocalWorld) => Invoke;
}

const FUNCTIONS: Readonly<Record<string, InvokableFunction>> = {
  'stage3-cycle': {
    logicalId: 'Stage3CycleFunction',
    timeoutMs: STAGE3_CYCLE_TIMEOUT.toMilliseconds(),
    deployed: (env) => createStage3Handler(lazy(() => composeStage3(env))),
    local: (world) => world.stage3,
  },
  'stage4-cycle': {
    logicalId: 'Stage4CycleFunction',
    timeoutMs: STAGE4_CYCLE_TIMEOUT.toMilliseconds(),
    deployed: (env) => createStage4Handler(lazy(() => composeStage4(env))),
    local: (world) => world.stage4,
  },
  'stage7-cycle': {
    logicalId: 'Stage7CycleFunction',
    timeoutMs: STAGE7_CYCLE_TIMEOUT.toMilliseconds(),
    deployed: (env) => createStage7Handler(lazy(() => composeStage7(stage7Environment(env)))),
    local: (world) => world.stage7,
  },
  reconcile: {
    logicalId: 'ReconcileFunction',
    timeoutMs: RECONCILE_TIMEOUT.toMilliseconds(),
    deployed: (env) => {
      const handler = createReconcileHandler(lazy(() => composeReconcile(env)));
      return (event, context) => handler(event as SQSEvent, context);
    },
    local: (world) => (event, context) => world.reconcile(event as SQSEvent, context),
  },
};

export const INVOKE_FUNCTION_NAMES = Object.entries(FUNCTIONS).flatMap(([name, f]) => [name, f.logicalId]);

export interface InvokeCommandOptions {
  /** Path of the event JSON file (samples in events/<function>/) */
  readonly event: string;
  /** In-memory state and the BTCTurk simulator instead of AWS */
  readonly local?: boolean;
  /** Keep a scheduled event's `time` instead of firing it now */
  readonly keepTime?: boolean;
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

/** Prints the handler's result as JSON; exit 1 with one line when the handler throws, 2 on bad input */
export async function invokeCommand(
  functionName: string,
  options: InvokeCommandOptions,
  env: Env,
  io: CommandIo,
): Promise<number> {
  const entry = Object.entries(FUNCTIONS).find(([name, f]) => functionName === name || functionName === f.logicalId);
  if (!entry) {
    io.err(`invoke: unknown function ${JSON.stringify(functionName)} (one of ${INVOKE_FUNCTION_NAMES.join(', ')})`);
    return 2;
  }
  const [name, fn] = entry;
  let event: unknown;
  try {
    event = JSON.parse(readFileSync(options.event, 'utf8'));
  } catch (e) {
    io.err(`invoke: cannot read event file ${options.event}: ${errorLine(e)}`);
    return 2;
  }
  const world = options.local ? await assembleWorld(DEFAULT_LOCAL_OPTIONS) : undefined;
  try {
    const handler = world ? fn.local(world) : fn.deployed(env);
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
