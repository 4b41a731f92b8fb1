// cdk-nag (v3) AwsSolutions checks on every stack: no violation left. cdk-nag 3 is a policy-validation
// plugin, not an Aspect; suppressions are `Validations.of(construct).acknowledge` calls in lib/, each with
// a one-line reason next to the construct (TradingFunction: AwsSolutions-L1; StatefulStack: AwsSolutions-SMG4).
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { synthesize } from './synth';

describe('cdk-nag AwsSolutions', () => {
  const built = synthesize();

  for (const stack of [built.stateful, built.stateless]) {
    it(`finds no unacknowledged AwsSolutions violation in ${stack.stackName}`, () => {
      const report = new AwsSolutionsChecks().validateScope(stack);
      const violations = report.violations.flatMap((v) =>
        v.violatingResources.map(
          (r) => `${v.ruleName} on ${r.resourceLogicalId ?? r.locations.join(',')}: ${v.description.split('\n')[0]}`,
        ),
      );
      expect(violations).toEqual([]);
      expect(report.success).toBe(true);
    });
  }
});
