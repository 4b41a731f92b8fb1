// The SDK clients of the operator commands, built from the standard settings (AWS_REGION, AWS_PROFILE or keys,
// AWS_ENDPOINT_URL for an emulator such as moto_server). Only the commands that reach AWS load this module.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';

export const cloudformationClient = () => new CloudFormationClient({});
export const dynamodbClient = () => new DynamoDBClient({});
export const secretsManagerClient = () => new SecretsManagerClient({});
export const sqsClient = () => new SQSClient({});
export const ssmClient = () => new SSMClient({});
