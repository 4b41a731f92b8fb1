// The Lambda context a local invocation gets: a request id and names. No getRemainingTimeInMillis, so
// middy's early-timeout timer stays off (as it does in tests and containers).
import type { Context } from 'aws-lambda';

export const lambdaContext = (functionName: string, awsRequestId: string): Context =>
  ({
    awsRequestId,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
  }) as Context;
