// The alarms page someone: every alarm notifies the stateful stack's topic, reads the metrics the functions
// publish (shared/domain/observability/metric-catalog.ts) in its own environment only, and a stopped bot pages
// through the heartbeat of each enabled schedule. Also the topic itself and the context keys that shape the alarms.
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ALERT_RULES, heartbeatWindow } from '../../lib/constructs/bot-monitoring';
import {
  METRIC_NAMESPACE,
  METRICS,
  metricDimensions,
  PROCESS_ROLES,
} from '../../shared/domain/observability/metric-catalog';
import { synthesize } from './synth';

interface AlarmProperties {
  AlarmName: string;
  AlarmDescription: string;
  AlarmActions?: unknown[];
  OKActions?: unknown[];
  Namespace: string;
  MetricName: string;
  Dimensions: { Name: string; Value: unknown }[];
  Statistic?: string;
  ExtendedStatistic?: string;
  Period: number;
  EvaluationPeriods: number;
  Threshold: number;
  ComparisonOperator: string;
  TreatMissingData: string;
}

function synthesized(context: Record<string, unknown> = {}) {
  const app = synthesize({ context });
  const stateful = Template.fromStack(app.stateful);
  const stateless = Template.fromStack(app.stateless);
  const alarms = Object.values(stateless.findResources('AWS::CloudWatch::Alarm')).map(
    (a) => a.Properties as AlarmProperties,
  );
  return { stateful, stateless, alarms };
}

/** The export names under which the stateful stack exports its SNS topic's ARN (a Ref of a topic) */
function topicExports(stateful: Template): string[] {
  const topics = Object.keys(stateful.findResources('AWS::SNS::Topic'));
  return Object.values(stateful.findOutputs('*'))
    .filter((o) => topics.some((t) => JSON.stringify(o.Value) === JSON.stringify({ Ref: t })))
    .map((o) => o.Export?.Name as string)
    .filter(Boolean);
}

const dimensionsOf = (alarm: AlarmProperties) => Object.fromEntries(alarm.Dimensions.map((d) => [d.Name, d.Value]));
const botAlarms = (alarms: AlarmProperties[]) => alarms.filter((a) => a.Namespace === METRIC_NAMESPACE);
const named = (alarms: AlarmProperties[], name: string) => alarms.find((a) => a.AlarmName === name);

/** The gates of the README's "Going live" recipe */
const ARMED = {
  APP_ROLE: 'LIVE',
  DRY_RUN: 'false',
  SAFE_MODE: 'false',
  KILL_SWITCH: 'false',
  LIVE_TRADING: 'true',
  LIVE_TRADING_ACK: 'I_UNDERSTAND',
};

describe('the alarms', () => {
  const dev = synthesized();
  const armed = synthesized({ 'btcbot:functionEnvironment': ARMED });

  it('all notify the alarm topic the stateful stack creates, the high and critical ones also when they recover', () => {
    const exports = topicExports(dev.stateful);
    expect(exports).toHaveLength(1);
    const topic = { 'Fn::ImportValue': exports[0] };
    expect(dev.alarms.length).toBeGreaterThan(20);
    for (const alarm of dev.alarms) {
      expect(alarm.AlarmActions, alarm.AlarmName).toEqual([topic]);
      const paging = /^\[(high|critical)\]/.test(alarm.AlarmDescription);
      expect(alarm.OKActions, alarm.AlarmName).toEqual(paging ? [topic] : undefined);
    }
  });

  it('are named btcbot-<env>-<role>-<rule>, the names the topic accepts publications from', () => {
    for (const alarm of dev.alarms)
      expect(alarm.AlarmName).toMatch(/^btcbot-dev-(stage3|stage4|stage7|reconcile)-\w+$/);
    const policies = Object.values(dev.stateful.findResources('AWS::SNS::TopicPolicy'));
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    const publish = statements.find((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(publish?.Action).toBe('sns:Publish');
    expect(JSON.stringify(publish?.Condition.ArnLike['aws:SourceArn'])).toContain(':alarm:btcbot-dev-*');
  });

  it('read the published metrics under exactly their dimension set, environment included', () => {
    const names = new Set<string>(Object.values(METRICS).map((m) => m.name));
    const ours = botAlarms(dev.alarms);
    expect(ours.length).toBeGreaterThan(15);
    for (const alarm of ours) {
      expect(names).toContain(alarm.MetricName);
      const dimensions = dimensionsOf(alarm);
      const role = dimensions.process_role as (typeof PROCESS_ROLES)[number];
      expect(PROCESS_ROLES).toContain(role);
      expect(dimensions).toEqual(metricDimensions('dev', role));
    }
  });

  it('of prod read prod metrics and of dev dev metrics, under names and a dashboard of their own', () => {
    const prod = synthesized({ 'btcbot:env': 'prod' });
    const environments = (alarms: AlarmProperties[]) =>
      new Set(botAlarms(alarms).map((a) => dimensionsOf(a).environment));
    expect(environments(dev.alarms)).toEqual(new Set(['dev']));
    expect(environments(prod.alarms)).toEqual(new Set(['prod']));
    expect(prod.alarms.map((a) => a.AlarmName.replace('btcbot-prod-', 'btcbot-dev-')).sort()).toEqual(
      dev.alarms.map((a) => a.AlarmName).sort(),
    );
    const dashboard = (t: Template) =>
      Object.values(t.findResources('AWS::CloudWatch::Dashboard')).map((d) => d.Properties.DashboardName);
    expect(dashboard(dev.stateless)).toEqual(['btcbot-dev']);
    expect(dashboard(prod.stateless)).toEqual(['btcbot-prod']);
  });

  it.each([
    ['stage3-api_error_rate_spike', 'bot_api_errors_total', 'Sum', 300, 50, 'GreaterThanThreshold'],
    ['reconcile-api_error_rate_spike', 'bot_api_errors_total', 'Sum', 300, 50, 'GreaterThanThreshold'],
    ['stage4-cycle_latency_high', 'bot_cycle_latency_ms', 'p95', 600, 2500, 'GreaterThanThreshold'],
    ['stage3-killswitch_stuck_enabled', 'bot_killswitch_enabled', 'Minimum', 600, 1, 'GreaterThanOrEqualToThreshold'],
    ['stage4-order_failures_spike', 'bot_orders_failed_total', 'Sum', 300, 25, 'GreaterThanThreshold'],
    ['stage7-breaker_open_persistent', 'bot_breaker_open', 'Minimum', 300, 1, 'GreaterThanOrEqualToThreshold'],
    ['stage3-reject_spike_1123', 'bot_reject_1123_total', 'Sum', 600, 30, 'GreaterThanThreshold'],
    ['stage4-degraded_mode_stuck', 'bot_degraded_mode', 'Minimum', 600, 1, 'GreaterThanOrEqualToThreshold'],
    ['stage4-unknown_orders', 'bot_unknown_orders', 'Maximum', 60, 0, 'GreaterThanThreshold'],
  ])('%s: %s %s over %i s against %d (%s), missing data not breaching', (name, metric, stat, period, threshold, op) => {
    const alarm = named(armed.alarms, `btcbot-dev-${name}`);
    expect(alarm).toMatchObject({
      MetricName: metric,
      Period: period,
      EvaluationPeriods: 1,
      Threshold: threshold,
      ComparisonOperator: op,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm?.Statistic ?? alarm?.ExtendedStatistic).toBe(stat);
  });

  it('apply each spec 8.5 rule to the roles that publish its metric, stage 7 never to its simulated orders', () => {
    const rulesOf = (role: string) =>
      botAlarms(armed.alarms)
        .filter((a) => dimensionsOf(a).process_role === role)
        .map((a) => a.AlarmName.replace(`btcbot-dev-${role}-`, ''))
        .sort();
    expect(rulesOf('stage7')).toEqual([
      'api_error_rate_spike',
      'breaker_open_persistent',
      'cycle_latency_high',
      'degraded_mode_stuck',
    ]);
    expect(rulesOf('stage3')).toEqual(
      [...Object.keys(ALERT_RULES).filter((r) => r !== 'degraded_mode_stuck'), 'unknown_orders'].sort(),
    );
    expect(rulesOf('reconcile')).toEqual(['api_error_rate_spike']);
    // the only alarms an armed deployment adds
    expect(armed.alarms.map((a) => a.AlarmName).filter((name) => named(dev.alarms, name) === undefined)).toEqual([
      'btcbot-dev-stage3-killswitch_stuck_enabled',
      'btcbot-dev-stage4-killswitch_stuck_enabled',
    ]);
  });

  it('leave the kill switch alone in a deployment not armed for live trading, which runs with it on by design', () => {
    const names = dev.alarms.map((a) => a.AlarmName);
    expect(names.filter((n) => n.includes('killswitch'))).toEqual([]);
    const oneGateClosed = synthesized({ 'btcbot:functionEnvironment': { ...ARMED, APP_ROLE: 'MONITOR' } });
    expect(oneGateClosed.alarms.map((a) => a.AlarmName).sort()).toEqual([...names].sort());
  });

  it('keep the reconcile DLQ depth and every function errors and throttles alarm', () => {
    expect(named(dev.alarms, 'btcbot-dev-reconcile-dlq_depth')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    const lambda = dev.alarms.filter((a) => a.Namespace === 'AWS/Lambda');
    expect(
      lambda.map((a) => `${a.MetricName} ${(a.Dimensions[0]?.Value as { Ref: string } | undefined)?.Ref}`).sort(),
    ).toEqual(
      ['Errors', 'Throttles'].flatMap((m) =>
        ['ReconcileFunction', 'Stage3CycleFunction', 'Stage4CycleFunction', 'Stage7CycleFunction'].map(
          (fn) => `${m} ${fn}`,
        ),
      ),
    );
  });

  it('say what each one means and what to do about it', () => {
    for (const alarm of dev.alarms) expect(alarm.AlarmDescription.length, alarm.AlarmName).toBeGreaterThan(80);
    expect(named(armed.alarms, 'btcbot-dev-stage3-killswitch_stuck_enabled')?.AlarmDescription).toMatch(
      /^\[critical\] killswitch_stuck_enabled \(stage 3\): .*kill switch on.*btcbot kill-switch off/,
    );
  });

  it('no longer count summary log lines through metric filters: the published metrics replace them', () => {
    expect(dev.stateless.findResources('AWS::Logs::MetricFilter')).toEqual({});
  });
});

describe('the heartbeat', () => {
  const heartbeats = (alarms: AlarmProperties[]) => alarms.filter((a) => a.AlarmName.endsWith('-stuck_cycles'));

  it('does not exist for a disabled schedule: nothing is expected to run (the default)', () => {
    expect(heartbeats(synthesized().alarms)).toEqual([]);
  });

  it('pages when an enabled schedule completes no cycle for 5 minutes, missing data breaching', () => {
    const { alarms } = synthesized({ 'btcbot:schedules': { stage4: { enabled: true } } });
    expect(heartbeats(alarms).map((a) => a.AlarmName)).toEqual(['btcbot-dev-stage4-stuck_cycles']);
    expect(heartbeats(alarms)[0]).toMatchObject({
      MetricName: 'bot_cycles_completed_total',
      Dimensions: expect.arrayContaining([
        { Name: 'process_role', Value: 'stage4' },
        { Name: 'environment', Value: 'dev' },
      ]),
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 5,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it("follows each enabled schedule's rate: three periods of the rate, at least five minutes", () => {
    const { alarms } = synthesized({
      'btcbot:schedules': { stage3: { enabled: true, rate: 'rate(2 minutes)' }, stage7: { enabled: true } },
    });
    const window = (a: AlarmProperties) => `${a.AlarmName} ${a.Period}s x ${a.EvaluationPeriods}`;
    expect(heartbeats(alarms).map(window).sort()).toEqual([
      'btcbot-dev-stage3-stuck_cycles 120s x 3',
      'btcbot-dev-stage7-stuck_cycles 300s x 3',
    ]);
    expect(heartbeatWindow(60)).toEqual({ periodMinutes: 60, periods: 3 });
  });

  it('refuses a rate whose heartbeat would be longer than CloudWatch evaluates, and a cron expression', () => {
    expect(() =>
      synthesize({ context: { 'btcbot:schedules': { stage7: { enabled: true, rate: 'rate(1 day)' } } } }),
    ).toThrow(/every 1440 minutes needs a heartbeat of 4320 minutes/);
    expect(() => synthesize({ context: { 'btcbot:schedules': { stage7: { rate: 'cron(0 * * * ? *)' } } } })).toThrow(
      /btcbot:schedules\.stage7\.rate must be rate\(1 minute\|hour\|day\) or rate\(<n> minutes\|hours\|days\)/,
    );
    expect(() => synthesize({ context: { 'btcbot:schedules': { stage4: { rate: 'rate(1 minutes)' } } } })).toThrow(
      /btcbot:schedules\.stage4\.rate must be/,
    );
  });
});

describe('the alarm topic', () => {
  it('is encrypted with a rotated key of its own that CloudWatch may use, and refuses plain HTTP', () => {
    const { stateful } = synthesized();
    const keys = stateful.findResources('AWS::KMS::Key');
    expect(Object.values(keys).map((k) => k.Properties.EnableKeyRotation)).toEqual([true]);
    const [keyId] = Object.keys(keys);
    stateful.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    const keyStatements = Object.values(keys)[0]?.Properties.KeyPolicy.Statement;
    expect(keyStatements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        }),
      ]),
    );
    const topicStatements = Object.values(stateful.findResources('AWS::SNS::TopicPolicy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement,
    );
    expect(topicStatements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    );
    expect(Object.keys(stateful.findOutputs('AlarmTopicArn'))).toEqual(['AlarmTopicArn']);
  });

  it('has no subscription unless context btcbot:alarmEmail names an address, then an e-mail one', () => {
    expect(synthesized().stateful.findResources('AWS::SNS::Subscription')).toEqual({});
    const { stateful } = synthesized({ 'btcbot:alarmEmail': 'oncall@example.com' });
    stateful.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  it('refuses a malformed btcbot:alarmEmail at synth', () => {
    expect(() => synthesize({ context: { 'btcbot:alarmEmail': 'oncall@' } })).toThrow(
      'btcbot:alarmEmail must be an e-mail address, was "oncall@"',
    );
  });
});
