// The reconcile queue's maxReceiveCount and the reconcile function's last delivery come from one value
// (RECONCILE_MAX_RECEIVES), and the reconcile function may change a message's visibility but never send one
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthesize } from './synth';

interface Statement {
  Action: string | string[];
  Resource: unknown;
}

function agreement(context?: Record<string, unknown>) {
  const app = synthesize(context ? { context } : {});
  const stateful = Template.fromStack(app.stateful);
  const stateless = Template.fromStack(app.stateless);
  const [queue] = Object.values(stateful.findResources('AWS::SQS::Queue')).filter(
    (q) => 'RedrivePolicy' in (q.Properties ?? {}),
  );
  const reconcile = stateless.findResources('AWS::Lambda::Function').ReconcileFunction;
  return {
    maxReceiveCount: queue?.Properties.RedrivePolicy.maxReceiveCount as number,
    functionValue: reconcile?.Properties.Environment.Variables.RECONCILE_MAX_RECEIVES as string,
    stateless,
  };
}

describe('reconcile retries', () => {
  it('gives the queue and the reconcile function the same RECONCILE_MAX_RECEIVES (default 8)', () => {
    const { maxReceiveCount, functionValue } = agreement();
    expect(maxReceiveCount).toBe(8);
    expect(functionValue).toBe('8');
  });

  it('follows RECONCILE_MAX_RECEIVES of btcbot:functionEnvironment in both places', () => {
    const { maxReceiveCount, functionValue } = agreement({
      'btcbot:functionEnvironment': { RECONCILE_MAX_RECEIVES: '4' },
    });
    expect(maxReceiveCount).toBe(4);
    expect(functionValue).toBe('4');
  });

  it('refuses a RECONCILE_MAX_RECEIVES the queue cannot take', () => {
    expect(() => synthesize({ context: { 'btcbot:functionEnvironment': { RECONCILE_MAX_RECEIVES: '1001' } } })).toThrow(
      /RECONCILE_MAX_RECEIVES: expected <= 1000/,
    );
  });

  it('lets the reconcile function change the visibility of messages of the reconcile queue only', () => {
    const { stateless } = agreement();
    const statements = Object.values(stateless.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith('ReconcileFunctionRole')))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    const visibility = statements.filter((s) =>
      (Array.isArray(s.Action) ? s.Action : [s.Action]).includes('sqs:ChangeMessageVisibility'),
    );
    expect(visibility.length).toBeGreaterThan(0);
    for (const s of visibility) expect(JSON.stringify(s.Resource)).toMatch(/ReconcileQueue/);
  });
});
