// Creates what a deployed stack would own, on an emulator through the real AWS SDK: the state table (with
// TTL), the reconcile queue with its DLQ, the kill-switch parameter and the BTCTurk credentials secret.
// Table, queue and secret names carry a per-run suffix so runs against one endpoint never collide.
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createStateTableInput, STATE_TABLE } from '../../shared/adapters/dynamodb/table-definition';
import { killSwitchValue } from '../../shared/adapters/ssm/ssm-kill-switch';
import type { ApiCredentials } from '../../shared/ports/credentials';
import { SQS_MAX_RECEIVE_COUNT } from '../runner/reconcile-router';

export const LOCAL_KILL_SWITCH_PARAMETER = '/btcbot/local/kill-switch';

export interface LocalAwsClients {
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly ssm: SSMClient;
  readonly secrets: SecretsManagerClient;
}

export interface LocalAwsResources {
  readonly endpoint: string;
  readonly tableName: string;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly killSwitchParameter: string;
  readonly secretId: string;
}

/** SDK clients for an emulator: dummy credentials, us-east-1, never the developer's real credentials */
export function localAwsClients(endpoint: string): LocalAwsClients {
  const config = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 2,
  };
  return {
    dynamodb: new DynamoDBClient(config),
    sqs: new SQSClient(config),
    ssm: new SSMClient(config),
    secrets: new SecretsManagerClient(config),
  };
}

async function createQueues(sqs: SQSClient, name: string): Promise<{ queueUrl: string; dlqUrl: string }> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqUrl = dlq.QueueUrl as string;
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
  const redrive = { deadLetterTargetArn: attrs.Attributes?.QueueArn, maxReceiveCount: SQS_MAX_RECEIVE_COUNT };
  const main = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: { RedrivePolicy: JSON.stringify(redrive) } }),
  );
  return { queueUrl: main.QueueUrl as string, dlqUrl };
}

export async function provisionLocalAws(
  endpoint: string,
  clients: LocalAwsClients,
  setup: { readonly killSwitchOn: boolean; readonly credentials: ApiCredentials },
): Promise<LocalAwsResources> {
  const name = `btcbot-local-${randomUUID().slice(0, 8)}`;
  const secretId = `btcbot/local/${name}`;
  await clients.dynamodb.send(new CreateTableCommand(createStateTableInput(name)));
  await clients.dynamodb.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { AttributeName: STATE_TABLE.ttlAttribute, Enabled: true },
    }),
  );
  const queues = await createQueues(clients.sqs, `${name}-reconcile`);
  await clients.ssm.send(
    new PutParameterCommand({
      Name: LOCAL_KILL_SWITCH_PARAMETER,
      Value: killSwitchValue(setup.killSwitchOn),
      Type: 'String',
      Overwrite: true,
    }),
  );
  await clients.secrets.send(
    new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify(setup.credentials) }),
  );
  return { endpoint, tableName: name, ...queues, killSwitchParameter: LOCAL_KILL_SWITCH_PARAMETER, secretId };
}
