// The outputs of one deployed CloudFormation stack (DescribeStacks), parsed with zod: how the CLI finds the
// state table, queues, parameter and secret of an environment without the operator copying them from
// `cdk deploy`.
import {
  type CloudFormationClient,
  CloudFormationServiceException,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import * as z from 'zod';
import { ValidationError } from '../../domain/errors';

export interface StackOutputs {
  readonly stackName: string;
  /** e.g. CREATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE: said when an output is missing */
  readonly status: string;
  readonly outputs: ReadonlyMap<string, string>;
}

const DescribeStacksSchema = z.object({
  Stacks: z
    .array(
      z.object({
        StackName: z.string().min(1),
        StackStatus: z.string().min(1),
        Outputs: z
          .array(z.object({ OutputKey: z.string().min(1), OutputValue: z.string() }))
          .optional()
          .default([]),
      }),
    )
    .length(1),
});

/** CloudFormation answers a stack that does not exist with this error (name ValidationError) */
const isMissingStack = (e: unknown): boolean =>
  e instanceof CloudFormationServiceException && e.name === 'ValidationError' && /does not exist/.test(e.message);

/**
 * @returns the stack's outputs, or undefined when no stack of that name exists in the client's account and region
 * @throws ValidationError when the answer is not one stack with well-formed outputs; the SDK's errors otherwise
 */
export async function readStackOutputs(
  client: CloudFormationClient,
  stackName: string,
): Promise<StackOutputs | undefined> {
  let answer: unknown;
  try {
    answer = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  } catch (e) {
    if (isMissingStack(e)) return undefined;
    throw e;
  }
  const parsed = DescribeStacksSchema.safeParse(answer);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ValidationError(`DescribeStacks ${stackName}`, issues);
  }
  const [stack] = parsed.data.Stacks as [(typeof parsed.data.Stacks)[number]];
  return {
    stackName: stack.StackName,
    status: stack.StackStatus,
    outputs: new Map(stack.Outputs.map((o) => [o.OutputKey, o.OutputValue])),
  };
}
