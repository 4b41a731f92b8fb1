// Test access to moto_server through the real AWS SDK: clients bound to the emulator endpoint and helpers
// that create a fresh, uniquely named table, queue, parameter or secret for each test file.
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, GetQueueAttributesCommand, type Message, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SQSRecord } from 'aws-lambda';
import { inject, vi } from 'vitest';
import { createStateTableInput, STATE_TABLE } from '../../shared/adapters/dynamodb/table-definition';

export const TEST_REGION = 'us-east-1';

/** Client settings for the emulator: fixed dummy credentials, never the developer's real ones */
export const emulatorClientConfig = (endpoint: string) => ({
  endpoint,
  region: TEST_REGION,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  maxAttempts: 1,
});

/** Points SDK clients built with `{}` (as composition roots build them in Lambda) at the emulator */
export function stubAwsEnvironment(endpoint: string): void {
  vi.stubEnv('AWS_ENDPOINT_URL', endpoint);
  vi.stubEnv('AWS_REGION', TEST_REGION);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
}

/** The moto endpoint of this run, or null when moto_server is not installed (never under CI) */
export const motoEndpoint = (): string | null => inject('motoEndpoint');

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export interface Emulator {
  readonly endpoint: string;
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly ssm: SSMClient;
  readonly secrets: SecretsManagerClient;
  freshTable(prefix?: string): Promise<string>;
  freshQueue(options?: { prefix?: string; maxReceiveCount?: number; visibilityTimeoutSeconds?: number }): Promise<{
    queueUrl: string;
    dlqUrl: string;
  }>;
  freshParameter(value: string, prefix?: string): Promise<string>;
  freshSecret(value: string, prefix?: string): Promise<string>;
}

export function emulator(endpoint: string): Emulator {
  const config = emulatorClientConfig(endpoint);
  const dynamodb = new DynamoDBClient(config);
  const sqs = new SQSClient(config);
  const ssm = new SSMClient(config);
  const secrets = new SecretsManagerClient(config);
  return {
    endpoint,
    dynamodb,
    sqs,
    ssm,
    secrets,
    async freshTable(prefix = 'state') {
      const name = unique(prefix);
      await dynamodb.send(new CreateTableCommand(createStateTableInput(name)));
      await dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: STATE_TABLE.ttlAttribute, Enabled: true },
        }),
      );
      return name;
    },
    async freshQueue({ prefix = 'reconcile', maxReceiveCount = 3, visibilityTimeoutSeconds = 30 } = {}) {
      const dlq = await sqs.send(new CreateQueueCommand({ QueueName: unique(`${prefix}-dlq`) }));
      const dlqUrl = dlq.QueueUrl as string;
      const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
      const main = await sqs.send(
        new CreateQueueCommand({
          QueueName: unique(prefix),
          Attributes: {
            VisibilityTimeout: String(visibilityTimeoutSeconds),
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: attrs.Attributes?.QueueArn, maxReceiveCount }),
          },
        }),
      );
      return { queueUrl: main.QueueUrl as string, dlqUrl };
    },
    async freshParameter(value, prefix = '/btcbot/test') {
      const name = `${prefix}/${unique('kill-switch')}`;
      await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String' }));
      return name;
    },
    async freshSecret(value, prefix = 'btcbot/test') {
      const name = `${prefix}/${unique('btcturk')}`;
      await secrets.send(new CreateSecretCommand({ Name: name, SecretString: value }));
      return name;
    },
  };
}

/** A message received from the (emulated) reconcile queue as the Lambda event source mapping delivers it */
export const sqsRecordOf = (m: Message): SQSRecord => ({
  messageId: m.MessageId as string,
  receiptHandle: m.ReceiptHandle as string,
  body: m.Body as string,
  attributes: m.Attributes as SQSRecord['attributes'],
  messageAttributes: {},
  md5OfBody: m.MD5OfBody ?? '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:reconcile',
  awsRegion: TEST_REGION,
});
