// CDK template assertions for the stateless stack (functions, event source, schedules, IAM; the alarms are
// tests/infra/monitoring.test.ts's), named for the guarantee each one checks
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { STAGE4_CYCLE_TIMEOUT, STAGE7_CYCLE_TIMEOUT } from '../../lib/function-timeouts';
import { assertStage7Preconditions } from '../../shared/application/stage7/cycle-preconditions';
import { KNOBS } from '../../shared/config/knobs';
import { loadConfig } from '../../shared/config/load-config';
import { synthesize } from './synth';

interface Statement {
  Action: string | string[];
  Resource: unknown;
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const CYCLE_FUNCTIONS = ['Stage3CycleFunction', 'Stage4CycleFunction', 'Stage7CycleFunction'] as const;
/** The cycles that may trade: stage 7 only simulates */
const TRADING_ROLES = ['Stage3CycleFunctionRole', 'Stage4CycleFunctionRole'];
const schedules = (context: Record<string, unknown>) =>
  Template.fromStack(synthesize({ context: { 'btcbot:schedules': context } }).stateless);
const scheduleState = (template: Template, logicalId: 'Stage3Schedule' | 'Stage4Schedule' | 'Stage7Schedule') =>
  template.findResources('AWS::Scheduler::Schedule')[logicalId]?.Properties.State;

describe('StatelessStack', () => {
  const template = Template.fromStack(synthesize().stateless);
  const functions = template.findResources('AWS::Lambda::Function');
  const policies = template.findResources('AWS::IAM::Policy');
  const statementsOf = (roleLogicalIdPrefix: string): Statement[] =>
    Object.values(policies)
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(roleLogicalIdPrefix)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);

  it('names the functions with stable logical ids: Stage3CycleFunction, Stage4CycleFunction, Stage7CycleFunction and ReconcileFunction', () => {
    expect(Object.keys(functions).sort()).toEqual([
      'ReconcileFunction',
      'Stage3CycleFunction',
      'Stage4CycleFunction',
      'Stage7CycleFunction',
    ]);
  });

  it('deploys each cycle function from its own handler', () => {
    expect(functions.Stage3CycleFunction?.Properties.Description).toMatch(/stage 3 cycle: .* one trading cycle/);
    expect(functions.Stage4CycleFunction?.Properties.Description).toMatch(/stage 4 cycle: .* one trading cycle/);
    expect(functions.Stage7CycleFunction?.Properties.Description).toMatch(/stage 7 cycle: .* never a live order/);
    expect(functions.Stage4CycleFunction?.Properties.Handler).toBe('index.handler');
  });

  it('runs every function on nodejs22.x and arm64', () => {
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.MemorySize).toBeGreaterThanOrEqual(256);
      expect(fn.Properties.MemorySize).toBeLessThanOrEqual(512);
    }
  });

  it.each(CYCLE_FUNCTIONS)('%s runs at most one cycle at a time and finishes it well inside the lease TTL', (id) => {
    const cycle = functions[id]?.Properties;
    expect(cycle.ReservedConcurrentExecutions).toBe(1);
    expect(cycle.Timeout).toBeLessThan(loadConfig({}).LEASE_TTL_SECONDS);
    // the function tells its configuration its timeout, so a lease TTL not longer than it is refused
    expect(cycle.Environment.Variables.FUNCTION_TIMEOUT_SECONDS).toBe(String(cycle.Timeout));
  });

  it('gives the stage 4 cycle STAGE4_CYCLE_TIMEOUT and the stage 7 cycle STAGE7_CYCLE_TIMEOUT', () => {
    expect(functions.Stage4CycleFunction?.Properties.Timeout).toBe(STAGE4_CYCLE_TIMEOUT.toSeconds());
    expect(functions.Stage7CycleFunction?.Properties.Timeout).toBe(STAGE7_CYCLE_TIMEOUT.toSeconds());
  });

  it.each(CYCLE_FUNCTIONS)(
    '%s never runs a cycle late: no Lambda retries of a failed firing, events expire after 60 s',
    (id) => {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: id },
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 60,
      });
    },
  );

  it('reports partial batch failures from the reconcile queue, 10 messages per batch', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: 'ReconcileFunction' },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
  });

  it('creates one schedule per cycle, each disabled, sending the EventBridge Scheduled Event shape', () => {
    const all = template.findResources('AWS::Scheduler::Schedule');
    expect(Object.keys(all).sort()).toEqual(['Stage3Schedule', 'Stage4Schedule', 'Stage7Schedule']);
    for (const [id, fn, rate] of [
      ['Stage3Schedule', 'Stage3CycleFunction', 'rate(1 minute)'],
      ['Stage4Schedule', 'Stage4CycleFunction', 'rate(1 minute)'],
      ['Stage7Schedule', 'Stage7CycleFunction', 'rate(5 minutes)'],
    ] as const) {
      const schedule = all[id];
      expect(schedule?.Properties.State).toBe('DISABLED');
      expect(schedule?.Properties.ScheduleExpression).toBe(rate);
      expect(schedule?.Properties.Target.Arn).toEqual({ 'Fn::GetAtt': [fn, 'Arn'] });
      expect(schedule?.Properties.Target.RetryPolicy.MaximumRetryAttempts).toBe(2);
      expect(JSON.parse(schedule?.Properties.Target.Input)).toMatchObject({
        id: '<aws.scheduler.execution-id>',
        time: '<aws.scheduler.scheduled-time>',
        source: 'aws.scheduler',
        'detail-type': 'Scheduled Event',
      });
    }
  });

  it("lets each schedule's own role invoke its own cycle function and nothing else", () => {
    for (const [role, fn] of [
      ['Stage3ScheduleRole', 'Stage3CycleFunction'],
      ['Stage4ScheduleRole', 'Stage4CycleFunction'],
      ['Stage7ScheduleRole', 'Stage7CycleFunction'],
    ] as const) {
      const statements = statementsOf(role);
      expect(statements.map(actionsOf)).toEqual([['lambda:InvokeFunction']]);
      expect(statements[0]?.Resource).toEqual({ 'Fn::GetAtt': [fn, 'Arn'] });
    }
    for (const stage of ['Stage3', 'Stage4', 'Stage7']) {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        Target: Match.objectLike({
          Arn: { 'Fn::GetAtt': [`${stage}CycleFunction`, 'Arn'] },
          RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${stage}ScheduleRole`), 'Arn'] },
        }),
      });
    }
  });

  it('enables the stage 3 schedule only when cdk.json context says so', () => {
    const enabled = schedules({ stage3: { rate: 'rate(5 minutes)', enabled: true } });
    enabled.hasResourceProperties('AWS::Scheduler::Schedule', {
      State: 'ENABLED',
      ScheduleExpression: 'rate(5 minutes)',
    });
    expect(scheduleState(enabled, 'Stage3Schedule')).toBe('ENABLED');
    expect(scheduleState(enabled, 'Stage4Schedule')).toBe('DISABLED');
    expect(scheduleState(enabled, 'Stage7Schedule')).toBe('DISABLED');
  });

  it('enables the stage 4 schedule only when context btcbot:schedules.stage4 says so, with its own rate and retries', () => {
    const enabled = schedules({ stage4: { rate: 'rate(2 minutes)', enabled: true, maxRetries: 1 } });
    const stage4 = enabled.findResources('AWS::Scheduler::Schedule').Stage4Schedule?.Properties;
    expect(stage4).toMatchObject({ State: 'ENABLED', ScheduleExpression: 'rate(2 minutes)' });
    expect(stage4.Target.RetryPolicy.MaximumRetryAttempts).toBe(1);
    expect(scheduleState(enabled, 'Stage3Schedule')).toBe('DISABLED');
  });

  it('refuses at synth to enable both trading schedules, naming both context keys', () => {
    expect(() => schedules({ stage3: { enabled: true }, stage4: { enabled: true } })).toThrow(
      /btcbot:schedules\.stage3\.enabled and btcbot:schedules\.stage4\.enabled are both true/,
    );
    // either one alone, or both disabled, synthesizes
    expect(scheduleState(schedules({ stage3: { enabled: false }, stage4: { enabled: true } }), 'Stage4Schedule')).toBe(
      'ENABLED',
    );
  });

  it('enables the stage 7 schedule only when context btcbot:schedules.stage7 says so, with its own rate and retries', () => {
    const enabled = schedules({ stage7: { rate: 'rate(10 minutes)', enabled: true, maxRetries: 0 } });
    const stage7 = enabled.findResources('AWS::Scheduler::Schedule').Stage7Schedule?.Properties;
    expect(stage7).toMatchObject({ State: 'ENABLED', ScheduleExpression: 'rate(10 minutes)' });
    expect(stage7.Target.RetryPolicy.MaximumRetryAttempts).toBe(0);
    expect(scheduleState(enabled, 'Stage3Schedule')).toBe('DISABLED');
    expect(scheduleState(enabled, 'Stage4Schedule')).toBe('DISABLED');
  });

  it.each(['stage3', 'stage4'])(
    'runs stage 7 beside %s: it simulates under its own lease, so enabling both synthesizes',
    (trading) => {
      const both = schedules({ [trading]: { enabled: true }, stage7: { enabled: true } });
      expect(scheduleState(both, 'Stage7Schedule')).toBe('ENABLED');
      expect(scheduleState(both, trading === 'stage3' ? 'Stage3Schedule' : 'Stage4Schedule')).toBe('ENABLED');
    },
  );

  it('refuses a btcbot:schedules key that is no scheduled stage, as a misspelt one would stay disabled unseen', () => {
    expect(() => schedules({ stage07: { enabled: true } })).toThrow(
      /btcbot:schedules: stage07 is not a scheduled stage; expected stage3, stage4, stage7/,
    );
  });

  it('refuses btcbot:schedules given as a string, as `-c btcbot:schedules=...` passes it', () => {
    expect(() => synthesize({ context: { 'btcbot:schedules': '{"stage4":{"enabled":true}}' } })).toThrow(
      /btcbot:schedules must be an object/,
    );
  });

  it('refuses a stage 4 schedule whose enabled is not a boolean', () => {
    expect(() => schedules({ stage4: { enabled: 'yes' } })).toThrow(
      /btcbot:schedules\.stage4\.enabled must be true or false/,
    );
  });

  it('grants no dynamodb, ssm or secretsmanager action on a * resource', () => {
    for (const statement of Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement)) {
      const guarded = actionsOf(statement).some((a) => /^(dynamodb|ssm|secretsmanager):/.test(a));
      if (guarded) expect(JSON.stringify(statement.Resource)).not.toMatch(/"\*"|\/\*"|:\*"/);
      expect(actionsOf(statement)).not.toContain('*');
    }
  });

  it('gives the stage 4 cycle exactly the permissions of the stage 3 cycle, on the same resources', () => {
    // each statement's actions as granted, with its resource (the log group differs: each has its own)
    const grants = (role: string) =>
      statementsOf(role).map((s) => ({
        actions: actionsOf(s),
        resource: JSON.stringify(s.Resource).replace(/Stage[34]CycleFunctionLogGroup[0-9A-F]{8}/, 'OwnLogGroup'),
      }));
    expect(grants('Stage4CycleFunctionRole').map((g) => g.actions)).toEqual([
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query'],
      ['ssm:GetParameter'],
      ['secretsmanager:GetSecretValue'],
      ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
    ]);
    expect(grants('Stage4CycleFunctionRole')).toEqual(grants('Stage3CycleFunctionRole'));
    expect(JSON.stringify(statementsOf('Stage4CycleFunctionRole')[0]?.Resource)).toMatch(/Stage4CycleFunctionLogGroup/);
  });

  it('lets only the trading cycles read the kill switch: ssm:GetParameter on the kill-switch parameter ARN', () => {
    const ssm = (prefix: string) => statementsOf(prefix).filter((s) => actionsOf(s).some((a) => a.startsWith('ssm:')));
    for (const role of TRADING_ROLES) {
      const [killSwitch] = ssm(role);
      expect(ssm(role)).toHaveLength(1);
      expect(actionsOf(killSwitch as Statement)).toEqual(['ssm:GetParameter']);
      expect(JSON.stringify(killSwitch?.Resource)).toMatch(/:parameter".*KillSwitch/);
    }
    expect(ssm('ReconcileFunctionRole')).toEqual([]);
  });

  it('lets each trading function read only the value of the one credentials secret', () => {
    for (const role of [...TRADING_ROLES, 'ReconcileFunctionRole']) {
      const secrets = statementsOf(role).filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:')));
      expect(secrets.map(actionsOf)).toEqual([['secretsmanager:GetSecretValue']]);
      expect(JSON.stringify(secrets[0]?.Resource)).toMatch(/BtcturkCredentials/);
    }
  });

  it('scopes table access to the state table and its status index', () => {
    for (const role of [...TRADING_ROLES, 'ReconcileFunctionRole']) {
      const table = statementsOf(role).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
      expect(table).toHaveLength(1);
      expect(JSON.stringify(table[0]?.Resource)).toMatch(/StateTable.*\/index\/gsi1/);
    }
  });

  it('lets only the reconcile function consume the queue (and change visibility); only the cycles send to it', () => {
    const sqs = (role: string) =>
      statementsOf(role)
        .filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:')))
        .flatMap(actionsOf);
    for (const role of TRADING_ROLES) {
      expect(sqs(role)).toContain('sqs:SendMessage');
      expect(sqs(role)).not.toContain('sqs:ReceiveMessage');
    }
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
    for (const [id, fn] of Object.entries(functions)) {
      const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
      for (const name of Object.keys(variables)) expect(secretKnobs).not.toContain(name);
      // stage 7 reads public market data only: it is not even told the secret's name
      expect(variables.BTCTURK_SECRET_ID).toBe(id === 'Stage7CycleFunction' ? undefined : 'btcbot/dev/btcturk');
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

  it('refuses at synth a LEASE_TTL_SECONDS the longest cycle function could outlive, as its cold start would', () => {
    const context = (env: Record<string, string>) => ({ context: { 'btcbot:functionEnvironment': env } });
    const longest = Math.max(...CYCLE_FUNCTIONS.map((id) => functions[id]?.Properties.Timeout as number));
    expect(() => synthesize(context({ LEASE_TTL_SECONDS: String(longest) }))).toThrow(
      `LEASE_TTL_SECONDS: must be longer than the function timeout FUNCTION_TIMEOUT_SECONDS=${longest}`,
    );
    const longer = synthesize(context({ LEASE_TTL_SECONDS: String(longest + 1) })).stateless;
    expect(Object.keys(Template.fromStack(longer).findResources('AWS::Lambda::Function'))).toHaveLength(4);
  });
});

// Stage 7 simulates (spec 4.1): a function that can reach its state and public market data, and nothing that
// could place an order
describe('the stage 7 cycle', () => {
  /** The gates of the README's "Going live" recipe: what an operator arms stage 3 or 4 with */
  const ARMED = {
    APP_ROLE: 'LIVE',
    DRY_RUN: 'false',
    SAFE_MODE: 'false',
    KILL_SWITCH: 'false',
    LIVE_TRADING: 'true',
    LIVE_TRADING_ACK: 'I_UNDERSTAND',
  };
  const stack = (functionEnvironment: Record<string, string> = {}) =>
    Template.fromStack(synthesize({ context: { 'btcbot:functionEnvironment': functionEnvironment } }).stateless);
  const statementsOf = (template: Template, role: string): (Statement & { Condition?: unknown })[] =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(role)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
  const variablesOf = (template: Template, fn: string): Record<string, unknown> =>
    template.findResources('AWS::Lambda::Function')[fn]?.Properties.Environment.Variables;
  const template = stack();
  const armed = stack(ARMED);

  it('may use the state table only, with exactly the DynamoDB actions its stores send, deleting in its own partition only', () => {
    const grants = statementsOf(template, 'Stage7CycleFunctionRole').map((s) => ({
      actions: actionsOf(s),
      resource: JSON.stringify(s.Resource),
      condition: s.Condition,
    }));

    expect(grants.map((g) => g.actions)).toEqual([
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:Query',
      ],
      ['dynamodb:DeleteItem'],
    ]);
    expect(grants[0]?.resource).toMatch(/Stage7CycleFunctionLogGroup/);
    expect(grants[1]?.resource).toMatch(/StateTable.*\/index\/gsi1/);
    expect(grants[1]?.condition).toBeUndefined();
    // the table, not its index; and only the items of the stage 7 partition of the account
    expect(grants[2]?.resource).not.toMatch(/index/);
    expect(grants[2]?.condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['S7#default'] } });
  });

  it('has no ssm, secretsmanager or sqs permission, and no kill-switch parameter, secret or queue in its environment', () => {
    const actions = statementsOf(template, 'Stage7CycleFunctionRole').flatMap(actionsOf);
    expect(actions.filter((a) => /^(ssm|secretsmanager|sqs|kms):/.test(a))).toEqual([]);
    const variables = variablesOf(template, 'Stage7CycleFunction');
    expect(Object.keys(variables)).toContain('STATE_TABLE_NAME');
    for (const absent of ['KILL_SWITCH_PARAMETER', 'BTCTURK_SECRET_ID', 'RECONCILE_QUEUE_URL'])
      expect(Object.keys(variables)).not.toContain(absent);
  });

  it('deletes in the partition of the configured BOT_ACCOUNT', () => {
    const other = statementsOf(stack({ BOT_ACCOUNT: 'desk-2' }), 'Stage7CycleFunctionRole');
    const deletes = other.filter((s) => actionsOf(s).includes('dynamodb:DeleteItem'));
    expect(deletes.map((s) => s.Condition)).toEqual([
      { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['S7#desk-2'] } },
    ]);
  });

  it('runs as a simulation in a deployment armed for live trading: no LIVE_TRADING*, DRY_RUN and STAGE7_ENABLED true', () => {
    const trading = variablesOf(armed, 'Stage3CycleFunction');
    expect(trading).toMatchObject({ DRY_RUN: 'false', LIVE_TRADING: 'true', LIVE_TRADING_ACK: 'I_UNDERSTAND' });

    const simulation = variablesOf(armed, 'Stage7CycleFunction');

    expect(Object.keys(simulation).filter((name) => name.startsWith('LIVE_TRADING'))).toEqual([]);
    expect(simulation).toMatchObject({ DRY_RUN: 'true', STAGE7_ENABLED: 'true', APP_ROLE: 'LIVE' });
    expect(variablesOf(template, 'Stage7CycleFunction')).toMatchObject({ DRY_RUN: 'true', STAGE7_ENABLED: 'true' });
  });

  it.each([
    ['the default', () => template],
    ['an armed', () => armed],
  ])(
    'gets from %s deployment an environment its configuration loads and its preconditions accept',
    (_, synthesized) => {
      // the imported table name is a CloudFormation token here; the rest is what the function reads at cold start
      const variables = Object.entries(variablesOf(synthesized(), 'Stage7CycleFunction')).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      );

      const config = loadConfig(Object.fromEntries(variables));

      expect(() => assertStage7Preconditions(config)).not.toThrow();
    },
  );
});
