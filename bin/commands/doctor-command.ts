// `btcbot doctor [--env <name>]`: checks that a deployment can run, one line per check with OK, WARN or
// FAIL: configuration, arming state, secret, kill switch, state table, reconcile queue and its DLQ, and
// clock skew against the exchange. A failing check names its cause in that line (no region, a resource not
// found, access denied, an exchange that cannot be reached), never an SDK or breaker message alone. With --env,
// names the environment does not give are read from that environment's stack outputs. Every check has a time
// limit; exit code 1 when any check fails, 2 when the configuration itself is invalid.
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DescribeTimeToLiveCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { Agent } from 'undici';
import { killSwitchParameter } from '../../shared/adapters/aws-runtime';
import { createBtcturkGateway } from '../../shared/adapters/btcturk/create-gateway';
import { SystemClock } from '../../shared/adapters/clock/system-clock';
import { STATE_TABLE } from '../../shared/adapters/dynamodb/table-definition';
import { StaticCredentials } from '../../shared/adapters/env-credentials';
import { parseSecret } from '../../shared/adapters/secrets-manager/secrets-manager-credentials';
import { type Config, type Env, loadConfig } from '../../shared/config/load-config';
import { armingBanner, armingInputsOf, evaluateArming } from '../../shared/domain/arming';
import { ConfigError, ExchangeUnavailableError, UnresolvedResourceError } from '../../shared/domain/errors';
import { awsEnvironmentCause } from './aws-cause';
import { columns } from './columns';
import type { CommandIo } from './config-command';
import { errorLine } from './error-line';
import { killSwitchMeaning } from './kill-switch-command';
import { resolveResourceName, type StackResource } from './resource-resolution';

export interface DoctorClients {
  readonly dynamodb: DynamoDBClient;
  readonly ssm: SSMClient;
  readonly sqs: SQSClient;
  readonly secrets: SecretsManagerClient;
  /** Reads the --env stack's outputs for names the environment does not give; without it none are read */
  readonly cloudformation?: CloudFormationClient;
}

export interface DoctorCommandOptions {
  /** Environment name (BOT_ENV): names the kill-switch parameter and the stack whose outputs name the resources */
  readonly env?: string;
  /** Time limit of each check */
  readonly timeoutMs?: number;
}

type Verdict = 'OK' | 'WARN' | 'FAIL';

interface CheckResult {
  readonly verdict: Verdict;
  readonly detail: string;
}

type Check = (signal: AbortSignal) => Promise<CheckResult>;

/** What the checks share: the configuration, the clients, the environment and where names come from */
interface Doctor {
  readonly clients: DoctorClients;
  readonly config: Config;
  readonly env: Env;
  readonly envName: string | undefined;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const CLOCK_SKEW_WARN_MS = 1_000;
const ok = (detail: string): CheckResult => ({ verdict: 'OK', detail });
const warn = (detail: string): CheckResult => ({ verdict: 'WARN', detail });
const fail = (detail: string): CheckResult => ({ verdict: 'FAIL', detail });

/** Runs a check under a time limit: an error or no answer in time is a FAIL, never a hang */
async function bounded(check: Check, timeoutMs: number, from: string): Promise<CheckResult> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve(fail(`no answer from ${from} within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([check(abort.signal).catch((e: unknown) => fail(errorLine(e))), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One line for a failed AWS call about `resource` ("state table btcbot-dev-state"): the environment's cause (no
 * region, no credentials, endpoint unreachable), "<resource> not found" for the service's not-found errors
 * (`missing`, by error name), "<resource>: access denied (...)", else the SDK's own line
 */
function awsFailure(e: unknown, resource: string, missing: readonly string[], env: Env): CheckResult {
  if (e instanceof UnresolvedResourceError) return fail(e.message);
  const cause = awsEnvironmentCause(e, env);
  if (cause !== undefined) return fail(cause.startsWith('access denied') ? `${resource}: ${cause}` : cause);
  if (e instanceof Error && missing.includes(e.name)) return fail(`${resource} not found`);
  return fail(`${resource}: ${errorLine(e)}`);
}

/** The resource's name from the configuration, else the --env stack's output; undefined when neither names it */
async function nameOf(doctor: Doctor, resource: StackResource, configured: string | undefined) {
  if (configured || doctor.envName === undefined || doctor.clients.cloudformation === undefined) return configured;
  const stack = { envName: doctor.envName, cloudformation: doctor.clients.cloudformation };
  return resolveResourceName(resource, { env: doctor.env, stack });
}

function armingCheck(config: Config): CheckResult {
  const inputs = armingInputsOf(config);
  return ok(armingBanner(inputs, evaluateArming(inputs)));
}

const secretCheck =
  (doctor: Doctor): Check =>
  async (abortSignal) => {
    const { config, clients, env } = doctor;
    const id = await nameOf(doctor, 'credentialsSecret', config.BTCTURK_SECRET_ID).catch((e: unknown) => e as Error);
    if (id instanceof Error) return awsFailure(id, 'credentials secret', [], env);
    if (!id) {
      return config.BTCTURK_API_KEY && config.BTCTURK_API_SECRET
        ? ok('BTCTURK_SECRET_ID unset; API credentials from the environment (local runs only)')
        : warn('BTCTURK_SECRET_ID unset and no API credentials: private calls fail (dry-run needs none)');
    }
    let text: string | undefined;
    try {
      text = (await clients.secrets.send(new GetSecretValueCommand({ SecretId: id }), { abortSignal })).SecretString;
    } catch (e) {
      return awsFailure(e, `secret ${id}`, ['ResourceNotFoundException'], env);
    }
    if (text === undefined) return fail(`secret ${id} has no string value (put {"apiKey","apiSecret"} JSON into it)`);
    try {
      parseSecret(text, id);
    } catch (e) {
      // the issues name the fields that are wrong, never their values
      if (e instanceof ConfigError) return fail(e.issues.map((i) => i.message).join('; '));
      throw e;
    }
    return ok(`secret ${id} readable, apiKey and apiSecret well-formed`);
  };

const killSwitchCheck =
  (doctor: Doctor): Check =>
  async (abortSignal) => {
    const name = killSwitchParameter(doctor.config);
    try {
      const got = await doctor.clients.ssm.send(new GetParameterCommand({ Name: name }), { abortSignal });
      return ok(`${name} = ${killSwitchMeaning(got.Parameter?.Value ?? '')}`);
    } catch (e) {
      return awsFailure(e, `kill switch parameter ${name}`, ['ParameterNotFound'], doctor.env);
    }
  };

const tableCheck =
  (doctor: Doctor): Check =>
  async (abortSignal) => {
    const { clients, env } = doctor;
    let name: string | undefined;
    try {
      name = await nameOf(doctor, 'stateTable', doctor.config.STATE_TABLE_NAME);
      if (!name) return warn('STATE_TABLE_NAME unset: not checked (pass --env to read it from the stack outputs)');
      const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: name }), { abortSignal });
      const index = STATE_TABLE.statusIndex.name;
      if (!Table?.GlobalSecondaryIndexes?.some((i) => i.IndexName === index)) {
        return fail(`table ${name} has no ${index} index`);
      }
      const { TimeToLiveDescription: ttl } = await clients.dynamodb.send(
        new DescribeTimeToLiveCommand({ TableName: name }),
        { abortSignal },
      );
      if (ttl?.TimeToLiveStatus !== 'ENABLED' || ttl.AttributeName !== STATE_TABLE.ttlAttribute) {
        return fail(
          `table ${name}: TTL on ${STATE_TABLE.ttlAttribute} is not enabled (${ttl?.TimeToLiveStatus ?? 'none'})`,
        );
      }
      return ok(`table ${name} ${Table.TableStatus}, index ${index}, TTL on ${STATE_TABLE.ttlAttribute}`);
    } catch (e) {
      return awsFailure(e, `state table ${name}`, ['ResourceNotFoundException'], env);
    }
  };

/** SQS names a missing queue differently in its JSON and its query protocol */
const MISSING_QUEUE = ['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'];

const queueCheck =
  (doctor: Doctor): Check =>
  async (abortSignal) => {
    const { clients, env } = doctor;
    let url: string | undefined;
    try {
      url = await nameOf(doctor, 'reconcileQueue', doctor.config.RECONCILE_QUEUE_URL);
    } catch (e) {
      return awsFailure(e, 'reconcile queue', [], env);
    }
    if (!url) return warn('RECONCILE_QUEUE_URL unset: not checked (pass --env to read it from the stack outputs)');
    const depth = async (QueueUrl: string) => {
      const got = await clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'RedrivePolicy'] }),
        { abortSignal },
      );
      return {
        messages: Number(got.Attributes?.ApproximateNumberOfMessages ?? 0),
        redrive: got.Attributes?.RedrivePolicy,
      };
    };
    let main: Awaited<ReturnType<typeof depth>>;
    try {
      main = await depth(url);
    } catch (e) {
      return awsFailure(e, `reconcile queue ${url}`, MISSING_QUEUE, env);
    }
    const queued = `${main.messages} message(s) queued`;
    if (!main.redrive) return warn(`${url}: ${queued}, no dead-letter queue configured`);
    const [, , , , owner, dlqName] = (
      JSON.parse(main.redrive) as { deadLetterTargetArn: string }
    ).deadLetterTargetArn.split(':');
    try {
      const dlqUrl = await clients.sqs.send(
        new GetQueueUrlCommand({ QueueName: dlqName, QueueOwnerAWSAccountId: owner }),
        { abortSignal },
      );
      const dlq = await depth(dlqUrl.QueueUrl as string);
      return dlq.messages > 0
        ? warn(
            `${queued}; DLQ ${dlqName} holds ${dlq.messages} message(s): check those orders on BTCTurk, then redrive`,
          )
        : ok(`${queued}; DLQ ${dlqName} empty`);
    } catch (e) {
      return awsFailure(e, `dead-letter queue ${dlqName}`, MISSING_QUEUE, env);
    }
  };

/** The innermost cause: undici's own error ("connect ECONNREFUSED 127.0.0.1:9") under the gateway's */
const rootCause = (e: Error): Error => (e.cause instanceof Error ? rootCause(e.cause) : e);

/** Doctor asks once: retries and the circuit breaker would hide the first failure's cause behind "breaker open" */
const ONE_ATTEMPT = { BTCTURK_REST_MAX_RETRIES: 1 } as const;

const clockCheck =
  (config: Config): Check =>
  async (signal) => {
    const dispatcher = new Agent({ connections: 1, connect: { timeout: DEFAULT_TIMEOUT_MS } });
    signal.addEventListener('abort', () => void dispatcher.destroy());
    const base = config.BTCTURK_BASE_URL;
    try {
      const clock = new SystemClock();
      const settings = { ...config, ...ONE_ATTEMPT };
      const exchange = createBtcturkGateway(settings, new StaticCredentials(undefined), clock, dispatcher);
      const before = clock.nowMs();
      const server = await exchange.serverTime();
      const skewMs = Math.round(server - (before + clock.nowMs()) / 2);
      const detail = `exchange clock ${skewMs >= 0 ? 'ahead' : 'behind'} by ${Math.abs(skewMs)} ms`;
      const limitMs = config.CLOCK_SKEW_SECONDS_THRESHOLD * 1000;
      if (Math.abs(skewMs) > limitMs) return fail(`${detail} (CLOCK_SKEW_SECONDS_THRESHOLD ${limitMs / 1000} s)`);
      return Math.abs(skewMs) > CLOCK_SKEW_WARN_MS ? warn(`${detail} (over 1 s)`) : ok(detail);
    } catch (e) {
      if (!(e instanceof ExchangeUnavailableError)) throw e;
      // a transport failure carries undici's error; an answer that was wrong (HTTP 5xx, a bad body) does not
      return e.cause instanceof Error
        ? fail(`cannot reach the exchange at ${base}: ${rootCause(e).message.split('\n')[0]}`)
        : fail(`the exchange at ${base} answered wrongly: ${e.message}`);
    } finally {
      await dispatcher.destroy();
    }
  };

export async function doctorCommand(
  clients: DoctorClients,
  env: Env,
  options: DoctorCommandOptions,
  io: CommandIo,
): Promise<number> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let config: Config;
  try {
    config = loadConfig(options.env ? { ...env, BOT_ENV: options.env } : env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.out(`FAIL  configuration  ${e.issues.length} problem(s); the other checks need a valid configuration`);
    for (const issue of e.issues) io.out(`        ${issue.variable}: ${issue.message}`);
    // configuration errors exit 2 in every command (spec 1.1), like `btcbot config`
    return 2;
  }
  const doctor: Doctor = { clients, config, env, envName: options.env };
  const aws = env.AWS_ENDPOINT_URL ? `the AWS endpoint ${env.AWS_ENDPOINT_URL}` : 'AWS';
  const checks: [string, Check, string][] = [
    ['secret', secretCheck(doctor), aws],
    ['kill switch', killSwitchCheck(doctor), aws],
    ['state table', tableCheck(doctor), aws],
    ['reconcile queue', queueCheck(doctor), aws],
    ['clock skew', clockCheck(config), `the exchange at ${config.BTCTURK_BASE_URL}`],
  ];
  const results = await Promise.all(checks.map(([, check, from]) => bounded(check, timeoutMs, from)));
  const rows: [string, CheckResult][] = [
    ['configuration', ok(`valid (BOT_ENV ${config.BOT_ENV}, BOT_ACCOUNT ${config.BOT_ACCOUNT})`)],
    ['arming', armingCheck(config)],
    ...checks.map(([name], i): [string, CheckResult] => [name, results[i] as CheckResult]),
  ];
  for (const line of columns(rows.map(([name, r]) => [r.verdict, name, r.detail]))) io.out(line);
  const failed = rows.filter(([, r]) => r.verdict === 'FAIL').length;
  const warned = rows.filter(([, r]) => r.verdict === 'WARN').length;
  io.out(`${rows.length} checks: ${rows.length - failed - warned} OK, ${warned} WARN, ${failed} FAIL`);
  return failed > 0 ? 1 : 0;
}
