// Everything a deployed function talks to, built from configuration: the AWS SDK clients (they honour
// the standard AWS_ENDPOINT_URL, so the same code runs against moto_server), the DynamoDB stores, the
// reconcile queue, the SSM kill switch, the credentials and the BTCTurk gateway.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Config } from '../config/load-config';
import { ConfigError } from '../domain/errors';
import type { Clock } from '../ports/clock';
import type { CredentialsProvider } from '../ports/credentials';
import type { Exchange } from '../ports/exchange';
import type { KillSwitch } from '../ports/kill-switch';
import type { ReconcileQueue } from '../ports/reconcile-queue';
import type { StateStores } from '../ports/state-store';
import { createBtcturkGateway } from './btcturk/create-gateway';
import { SystemClock } from './clock/system-clock';
import { createDynamoStateStores } from './dynamodb/state-stores';
import { StaticCredentials } from './env-credentials';
import { SecretsManagerCredentials } from './secrets-manager/secrets-manager-credentials';
import { SqsReconcileQueue } from './sqs/sqs-reconcile-queue';
import { SsmKillSwitch } from './ssm/ssm-kill-switch';

export interface AwsRuntime {
  readonly clock: Clock;
  readonly stores: StateStores;
  readonly queue: ReconcileQueue;
  readonly killSwitch: KillSwitch;
  readonly credentials: CredentialsProvider;
  readonly exchange: Exchange;
}

export const killSwitchParameter = (config: Config): string =>
  config.KILL_SWITCH_PARAMETER ?? `/btcbot/${config.BOT_ENV}/kill-switch`;

function required(config: Config, names: readonly ('STATE_TABLE_NAME' | 'RECONCILE_QUEUE_URL')[]): void {
  const missing = names.filter((n) => !config[n]);
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map((variable) => ({ variable, message: 'required by a deployed function (set by the CDK stack)' })),
    );
  }
}

/**
 * What the stage 7 function talks to (spec 4.1: it simulates, public market reads only): the DynamoDB stores
 * and a gateway holding NO credentials, so a private call fails before anything is sent. No queue, no SSM
 * kill switch, no secret.
 */
export function createPublicMarketRuntime(
  config: Config,
  clock: Clock = new SystemClock(),
): Pick<AwsRuntime, 'clock' | 'stores' | 'exchange'> {
  required(config, ['STATE_TABLE_NAME']);
  return {
    clock,
    stores: createDynamoStateStores(new DynamoDBClient({}), config.STATE_TABLE_NAME as string),
    exchange: createBtcturkGateway(config, new StaticCredentials(undefined), clock),
  };
}

export function createAwsRuntime(config: Config, clock: Clock = new SystemClock()): AwsRuntime {
  required(config, ['STATE_TABLE_NAME', 'RECONCILE_QUEUE_URL']);
  const credentials: CredentialsProvider = config.BTCTURK_SECRET_ID
    ? new SecretsManagerCredentials(new SecretsManagerClient({}), config.BTCTURK_SECRET_ID, clock)
    : new StaticCredentials(
        config.BTCTURK_API_KEY && config.BTCTURK_API_SECRET
          ? { apiKey: config.BTCTURK_API_KEY, apiSecret: config.BTCTURK_API_SECRET }
          : undefined,
      );
  return {
    clock,
    stores: createDynamoStateStores(new DynamoDBClient({}), config.STATE_TABLE_NAME as string),
    queue: new SqsReconcileQueue(new SQSClient({}), config.RECONCILE_QUEUE_URL as string),
    killSwitch: new SsmKillSwitch(
      new SSMClient({}),
      killSwitchParameter(config),
      clock,
      config.KILL_SWITCH_CACHE_SECONDS * 1000,
    ),
    credentials,
    exchange: createBtcturkGateway(config, credentials, clock),
  };
}
