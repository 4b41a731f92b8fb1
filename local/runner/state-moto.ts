// The `--aws moto` state of a local run: moto_server (started for the run, or the endpoint given) with the
// table, queues, kill-switch parameter and secret created through the real SDK, and the real DynamoDB,
// SQS, SSM and Secrets Manager adapters over the run's ManualClock. Reconcile goes through the real queue.

import type { ManualClock } from '../../shared/adapters/clock/manual-clock';
import { createDynamoStateStores } from '../../shared/adapters/dynamodb/state-stores';
import { SecretsManagerCredentials } from '../../shared/adapters/secrets-manager/secrets-manager-credentials';
import { SqsReconcileQueue } from '../../shared/adapters/sqs/sqs-reconcile-queue';
import { SsmKillSwitch } from '../../shared/adapters/ssm/ssm-kill-switch';
import { openAwsEndpoint } from '../aws/aws-endpoint';
import { localAwsClients, provisionLocalAws } from '../aws/provision';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET } from '../btcturk-sim/options';
import { AwsSqsRouter } from './aws-sqs-router';
import type { LocalState } from './local-state';
import { SQS_MAX_RECEIVE_COUNT } from './reconcile-router';

/**
 * SQS delays are real time: a pending order is looked at again after 1 s (doubling), not the deployed 30 s.
 * The reconcile handler's last delivery is the maxReceiveCount the queue was provisioned with.
 */
const MOTO_ENV = {
  RECONCILE_RETRY_DELAY_SECONDS: '1',
  RECONCILE_MAX_RECEIVES: String(SQS_MAX_RECEIVE_COUNT),
} as const;

/** @throws MotoNotFoundError when no endpoint is given and moto_server is not installed */
export async function openMotoState(
  liveSim: boolean,
  endpointGiven: string | null,
  clock: ManualClock,
): Promise<LocalState> {
  const aws = await openAwsEndpoint(endpointGiven);
  try {
    const clients = localAwsClients(aws.endpoint);
    const credentials = { apiKey: DEFAULT_API_KEY, apiSecret: DEFAULT_API_SECRET };
    const resources = await provisionLocalAws(aws.endpoint, clients, { killSwitchOn: !liveSim, credentials });
    return {
      info: { mode: 'moto', ...resources },
      env: MOTO_ENV,
      stores: createDynamoStateStores(clients.dynamodb, resources.tableName),
      queue: new SqsReconcileQueue(clients.sqs, resources.queueUrl),
      killSwitch: new SsmKillSwitch(clients.ssm, resources.killSwitchParameter, clock),
      credentials: new SecretsManagerCredentials(clients.secrets, resources.secretId, clock),
      router: (handler, config) =>
        new AwsSqsRouter(clients.sqs, resources, handler, config.RECONCILE_RETRY_DELAY_SECONDS),
      async close() {
        for (const client of Object.values(clients)) client.destroy();
        await aws.stop();
      },
    };
  } catch (e) {
    await aws.stop();
    throw e;
  }
}
