// The CLI reads resource names from the stateful stack's outputs by name (bin/commands/resource-resolution.ts
// keeps the stack name and output keys itself so that no command loads the CDK): they must be the names the
// CDK app really gives, and each variable must be one the deployed functions read.
import { CfnOutput } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { STACK_RESOURCES, statefulStackName } from '../../../bin/commands/resource-resolution';
import { stackNames } from '../../../lib/app';
import { KNOBS } from '../../../shared/config/knobs';
import { synthesize } from '../../infra/synth';

describe('the stack outputs the CLI reads', () => {
  it('are outputs of the synthesized stateful stack, under the stack name lib/app.ts gives', () => {
    const { stateful } = synthesize({ context: { 'btcbot:env': 'contract' } });
    expect(stateful.stackName).toBe(statefulStackName('contract'));
    expect(stackNames('contract').stateful).toBe(statefulStackName('contract'));
    // the outputs as constructed (their logical ids are these ids: they sit at the stack's top level)
    const outputs = stateful.node.children.filter((c) => c instanceof CfnOutput).map((c) => c.node.id);
    for (const { output, variable } of Object.values(STACK_RESOURCES)) {
      expect(outputs).toContain(output);
      expect(Object.keys(KNOBS)).toContain(variable);
    }
  });
});
