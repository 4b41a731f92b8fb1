// CDK template assertions for the stateless stack (functions, event source, schedule, IAM, alarms),
// named for the guarantee each one checks
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { KNOBS } from '../../shared/config/knobs';
import { loadConfig } from '../../shared/config/load-config';
import { synthesize } from './synth';

interface Statement {
  Action: string | string[];
  Resource: unknown;
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('StatelessStack', () => {
  const template = Template.fromStack(synthesize().stateless);
  const functions = template.findResources('AWS::Lambda::Function');
  const policies = template.findResources('AWS::IAM::Policy');
  const statementsOf = (roleLogicalIdPrefix: string): Statement[] =>
    Object.values(policies)
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(roleLogicalIdPrefix)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);

  it('names the functions with stable logical ids: Stage3CycleFunction and ReconcileFunction', () => {
    expect(Object.keys(functions).sort()).toEqual(['ReconcileFunction', 'Stage3CycleFunction']);
  });

  it('runs every function on nodejs22.x and arm64', () => {
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.MemorySize).toBeGreaterThanOrEqual(256);
      expect(fn.Properties.MemorySize).toBeLessThanOrEqual(512);
    }
  });

  it('runs at most one cycle at a time and finishes it well inside the lease TTL', () => {
    const cycle = functions.Stage3CycleFunction?.Properties;
    expect(cycle.ReservedConcurrentExecutions).toBe(1);
    expect(cycle.Timeout).toBeLessThan(loadConfig({}).LEASE_TTL_SECONDS);
    // the function tells its configuration its timeout, so a lease TTL not longer than it is refused
    expect(cycle.Environment.Variables.FUNCTION_TIMEOUT_SECONDS).toBe(String(cycle.Timeout));
  });

  it('never runs a cycle late: no Lambda retries of a failed firing, and events expire after 60 s', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: 'Stage3CycleFunction' },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60,
    });
  });

  it('reports partial batch failures from the reconcile queue, 10 messages per batch', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: 'ReconcileFunction' },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
  });

  it('creates the stage 3 schedule disabled, sending the EventBridge Scheduled Event shape', () => {
    const [schedule] = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    expect(schedule?.Properties.State).toBe('DISABLED');
    expect(schedule?.Properties.ScheduleExpression).toBe('rate(1 minute)');
    expect(schedule?.Properties.Target.Arn).toEqual({ 'Fn::GetAtt': ['Stage3CycleFunction', 'Arn'] });
    expect(schedule?.Properties.Target.RetryPolicy.MaximumRetryAttempts).toBe(2);
    expect(JSON.parse(schedule?.Properties.Target.Input)).toMatchObject({
      id: '<aws.scheduler.execution-id>',
      time: '<aws.scheduler.scheduled-time>',
      source: 'aws.scheduler',
      'detail-type': 'Scheduled Event',
    });
  });

  it('enables the schedule only when cdk.json context says so', () => {
    const enabled = Template.fromStack(
      synthesize({ context: { 'btcbot:schedules': { stage3: { rate: 'rate(5 minutes)', enabled: true } } } }).stateless,
    );
    enabled.hasResourceProperties('AWS::Scheduler::Schedule', {
      State: 'ENABLED',
      ScheduleExpression: 'rate(5 minutes)',
    });
  });

  it('grants no dynamodb, ssm or secretsmanager action on a * resource', () => {
    for (const statement of Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement)) {
      const guarded = actionsOf(statement).some((a) => /^(dynamodb|ssm|secretsmanager):/.test(a));
      if (guarded) expect(JSON.stringify(statement.Resource)).not.toMatch(/"\*"|\/\*"|:\*"/);
      expect(actionsOf(statement)).not.toContain('*');
    }
  });

  it('lets only the cycle read the kill switch: ssm:GetParameter on the kill-switch parameter ARN', () => {
    const ssm = (prefix: string) => statementsOf(prefix).filter((s) => actionsOf(s).some((a) => a.startsWith('ssm:')));
    const [killSwitch] = ssm('Stage3CycleFunctionRole');
    expect(ssm('Stage3CycleFunctionRole')).toHaveLength(1);
    expect(actionsOf(killSwitch as Statement)).toEqual(['ssm:GetParameter']);
    expect(JSON.stringify(killSwitch?.Resource)).toMatch(/:parameter".*KillSwitch/);
    expect(ssm('ReconcileFunctionRole')).toEqual([]);
  });

  it('lets each function read only the value of the one credentials secret', () => {
    for (const role of ['Stage3CycleFunctionRole', 'ReconcileFunctionRole']) {
      const secrets = statementsOf(role).filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:')));
      expect(secrets.map(actionsOf)).toEqual([['secretsmanager:GetSecretValue']]);
      expect(JSON.stringify(secrets[0]?.Resource)).toMatch(/BtcturkCredentials/);
    }
  });

  it('scopes table access to the state table and its status index', () => {
    for (const role of ['Stage3CycleFunctionRole', 'ReconcileFunctionRole']) {
      const table = statementsOf(role).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
      expect(table).toHaveLength(1);
      expect(JSON.stringify(table[0]?.Resource)).toMatch(/StateTable.*\/index\/gsi1/);
    }
  });

  it('lets only the reconcile function consume the queue (and change visibility); only the cycle sends to it', () => {
    const sqs = (role: string) =>
      statementsOf(role)
        .filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:')))
        .flatMap(actionsOf);
    expect(sqs('Stage3CycleFunctionRole')).toContain('sqs:SendMessage');
    expect(sqs('Stage3CycleFunctionRole')).not.toContain('sqs:ReceiveMessage');
    expect(sqs('ReconcileFunctionRole')).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility']),
    );
    expect(sqs('ReconcileFunctionRole')).not.toContain('sqs:SendMessage');
  });

  it('puts no secret value in any function environment, only the secret name', () => {
    const secretKnobs = Object.entries(KNOBS)
      .filter(([, knob]) => (knob as { secret?: boolean }).secret)
      .map(([name]) => name);
    expect(secretKnobs.length).toBeGreaterThan(0);
    for (const fn of Object.values(functions)) {
      const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
      for (const name of Object.keys(variables)) expect(secretKnobs).not.toContain(name);
      expect(variables.BTCTURK_SECRET_ID).toBe('btcbot/dev/btcturk');
    }
  });

  it('refuses a secret knob in context btcbot:functionEnvironment', () => {
    expect(() => synthesize({ context: { 'btcbot:functionEnvironment': { BTCTURK_API_SECRET: 'x' } } })).toThrow(
      /is a secret/,
    );
  });

  it('refuses at synth what a function would refuse at cold start: a cross-check, a knob nothing reads', () => {
    const context = (env: Record<string, string>) => ({ context: { 'btcbot:functionEnvironment': env } });
    expect(() => synthesize(context({ RECONCILE_NOT_PLACED_CHECKS: '1' }))).toThrow(/RECONCILE_NOT_PLACED_CHECKS/);
    expect(() => synthesize(context({ TARGET_TRY: '100' }))).toThrow(/TARGET_TRY is not read by any function yet/);
  });

  it('alarms on DLQ depth, function errors and throttles, and UNKNOWN orders', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const metricNames = alarms.map((a) => a.MetricName).sort();
    expect(metricNames).toEqual([
      'ApproximateNumberOfMessagesVisible',
      'Errors',
      'Errors',
      'Throttles',
      'Throttles',
      'UnknownOrders',
    ]);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.message = "Cycle completed" }',
      MetricTransformations: [Match.objectLike({ MetricName: 'UnknownOrders', MetricValue: '$.unknown' })],
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});
