// `btcbot doctor [--env <name>]`: checks that a deployment can run, one line per check with OK, WARN or
// FAIL: configuration, arming state, secret, kill switch, state table, reconcile queue and its DLQ, and
// clock skew against the exchange. Every check has a time limit; exit code 1 when any check fails, 2 when
// the configuration itself is invalid.
import { DescribeTableCommand, DescribeTimeToLiveCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { Agent } from 'undici';
import { killSwitchParameter } from '../../shared/adapters/aws-runtime';
import { createBtcturkGateway } from '../../shared/adapters/btcturk/create-gateway';
import { SystemClock } from '../../shared/adapters/clock/system-clock';
import { STATE_TABLE } from '../../shared/adapters/dynamodb/table-definition';
import { StaticCredentials } from '../../shared/adapters/env-credentials';
import { SecretsManagerCredentials } from '../../shared/adapters/secrets-manager/secrets-manager-credentials';
import { type Config, type Env, loadConfig } from '../../shared/config/load-config';
import { armingBanner, armingInputsOf, evaluateArming } from '../../shared/domain/arming';
import { ConfigError } from '../../shared/domain/errors';
import { columns } from './columns';
import type { CommandIo } from './config-command';
import { errorLine } from './error-line';
import { killSwitchMeaning } from './kill-switch-command';

export interface DoctorClients {
  readonly dynamodb: DynamoDBClient;
  readonly ssm: SSMClient;
  readonly sqs: SQSClient;
  readonly secrets: SecretsManagerClient;
}

export interface DoctorCommandOptions {
  /** Environment name (BOT_ENV): names the kill-switch parameter */
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

const DEFAULT_TIMEOUT_MS = 5_000;
const CLOCK_SKEW_WARN_MS = 1_000;
const ok = (detail: string): CheckResult => ({ verdict: 'OK', detail });
const warn = (detail: string): CheckResult => ({ verdict: 'WARN', detail });
const fail = (detail: string): CheckResult => ({ verdict: 'FAIL', detail });

/** Runs a check under a time limit: an error or no answer in time is a FAIL, never a hang */
async function bounded(check: Check, timeoutMs: number): Promise<CheckResult> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve(fail(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([check(abort.signal).catch((e: unknown) => fail(errorLine(e))), late]);
  } finally {
    clearTimeout(timer);
  }
}

function armingCheck(config: Config): CheckResult {
  const inputs = armingInputsOf(config);
  return ok(armingBanner(inputs, evaluateArming(inputs)));
}

const secretCheck =
  (clients: DoctorClients, config: Config): Check =>
  async () => {
    const id = config.BTCTURK_SECRET_ID;
    if (!id) {
      return config.BTCTURK_API_KEY && config.BTCTURK_API_SECRET
        ? ok('BTCTURK_SECRET_ID unset; API credentials from the environment (local runs only)')
        : warn('BTCTURK_SECRET_ID unset and no API credentials: private calls fail (dry-run needs none)');
    }
    try {
      await new SecretsManagerCredentials(clients.secrets, id, new SystemClock()).get();
      return ok(`secret ${id} readable, apiKey and apiSecret well-formed`);
    } catch (e) {
      if (e instanceof ConfigError) return fail(e.issues.map((i) => i.message).join('; '));
      throw e;
    }
  };

const killSwitchCheck =
  (clients: DoctorClients, config: Config): Check =>
  async (abortSignal) => {
    const name = killSwitchParameter(config);
    const got = await clients.ssm.send(new GetParameterCommand({ Name: name }), { abortSignal });
    return ok(`${name} = ${killSwitchMeaning(got.Parameter?.Value ?? '')}`);
  };

const tableCheck =
  (clients: DoctorClients, config: Config): Check =>
  async (abortSignal) => {
    const name = config.STATE_TABLE_NAME;
    if (!name) return warn('STATE_TABLE_NAME unset: not checked (the CDK stack sets it for deployed functions)');
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
  };

const queueCheck =
  (clients: DoctorClients, config: Config): Check =>
  async (abortSignal) => {
    const url = config.RECONCILE_QUEUE_URL;
    if (!url) return warn('RECONCILE_QUEUE_URL unset: not checked (the CDK stack sets it for deployed functions)');
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
    const main = await depth(url);
    const queued = `${main.messages} message(s) queued`;
    if (!main.redrive) return warn(`${url}: ${queued}, no dead-letter queue configured`);
    const [, , , , owner, dlqName] = (
      JSON.parse(main.redrive) as { deadLetterTargetArn: string }
    ).deadLetterTargetArn.split(':');
    const dlqUrl = await clients.sqs.send(
      new GetQueueUrlCommand({ QueueName: dlqName, QueueOwnerAWSAccountId: owner }),
      {
        abortSignal,
      },
    );
    const dlq = await depth(dlqUrl.QueueUrl as string);
    return dlq.messages > 0
      ? warn(`${queued}; DLQ ${dlqName} holds ${dlq.messages} message(s): check those orders on BTCTurk, then redrive`)
      : ok(`${queued}; DLQ ${dlqName} empty`);
  };

const clockCheck =
  (config: Config): Check =>
  async (signal) => {
    const dispatcher = new Agent({ connections: 1, connect: { timeout: DEFAULT_TIMEOUT_MS } });
    signal.addEventListener('abort', () => void dispatcher.destroy());
    try {
      const clock = new SystemClock();
      const exchange = createBtcturkGateway(config, new StaticCredentials(undefined), clock, dispatcher);
      const before = clock.nowMs();
      const server = await exchange.serverTime();
      const skewMs = Math.round(server - (before + clock.nowMs()) / 2);
      const detail = `exchange clock ${skewMs >= 0 ? 'ahead' : 'behind'} by ${Math.abs(skewMs)} ms`;
      const limitMs = config.CLOCK_SKEW_SECONDS_THRESHOLD * 1000;
      if (Math.abs(skewMs) > limitMs) return fail(`${detail} (CLOCK_SKEW_SECONDS_THRESHOLD ${limitMs / 1000} s)`);
      return Math.abs(skewMs) > CLOCK_SKEW_WARN_MS ? warn(`${detail} (over 1 s)`) : ok(detail);
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
  const checks: [string, Check][] = [
    ['secret', secretCheck(clients, config)],
    ['kill switch', killSwitchCheck(clients, config)],
    ['state table', tableCheck(clients, config)],
    ['reconcile queue', queueCheck(clients, config)],
    ['clock skew', clockCheck(config)],
  ];
  const results = await Promise.all(checks.map(([, check]) => bounded(check, timeoutMs)));
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
