// Resource names by `--env` on moto_server's CloudFormation with the real SDK: a stack Btcbot-<env>-Stateful
// created with CreateStack carries the outputs the CDK stack has (its kill-switch parameter is a resource of
// the stack; the other outputs name a table, queues and a secret made for this file). The commands that
// take --env find their resources from it; a flag or variable still wins; a missing stack or output is one
// line and exit 1, nothing naming a table is exit 2.
import { randomUUID } from 'node:crypto';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { degradeCommand } from '../../bin/commands/degrade-command';
import { doctorCommand } from '../../bin/commands/doctor-command';
import { freezeCommand } from '../../bin/commands/freeze-command';
import { invokeCommand } from '../../bin/commands/invoke-command';
import { killSwitchCommand } from '../../bin/commands/kill-switch-command';
import { resolveResourceName, STACK_RESOURCES, statefulStackName } from '../../bin/commands/resource-resolution';
import { statusCommand } from '../../bin/commands/status-command';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET } from '../../local/btcturk-sim/options';
import { type RunningSimulator, startSimulator } from '../../local/btcturk-sim/simulator';
import { UnresolvedResourceError } from '../../shared/domain/errors';
import { type Emulator, emulator, emulatorClientConfig, motoEndpoint, stubAwsEnvironment } from '../support/aws';
import { sinks } from '../support/io-sinks';

const endpoint = motoEndpoint();

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

// Skipped only outside CI when moto_server is not installed; the global setup prints that loudly and fails under CI
describe.skipIf(endpoint === null)('resource names from the --env stack outputs (moto_server CloudFormation)', () => {
  let aws: Emulator;
  let cloudformation: CloudFormationClient;
  let sim: RunningSimulator;
  const envName = `rr${randomUUID().slice(0, 8)}`;
  const partialEnv = `${envName}-partial`;
  const absentEnv = `${envName}-absent`;
  let names: Record<string, string>;

  /** A stack with the kill-switch parameter as its resource and `outputs` as literal outputs */
  async function createStack(env: string, outputs: Record<string, string>) {
    const template = {
      Resources: {
        KillSwitch: {
          Type: 'AWS::SSM::Parameter',
          Properties: { Name: `/btcbot/${env}/kill-switch`, Type: 'String', Value: 'on' },
        },
      },
      Outputs: {
        KillSwitchParameterName: { Value: { Ref: 'KillSwitch' } },
        ...Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, { Value: value }])),
      },
    };
    await cloudformation.send(
      new CreateStackCommand({ StackName: statefulStackName(env), TemplateBody: JSON.stringify(template) }),
    );
  }

  beforeAll(async () => {
    aws = emulator(endpoint as string);
    cloudformation = new CloudFormationClient(emulatorClientConfig(endpoint as string));
    sim = await startSimulator({ seed: 4, symbols: ['BTCTRY'] });
    const queue = await aws.freshQueue();
    names = {
      StateTableName: await aws.freshTable(),
      ReconcileQueueUrl: queue.queueUrl,
      ReconcileDlqUrl: queue.dlqUrl,
      CredentialsSecretName: await aws.freshSecret(
        JSON.stringify({ apiKey: DEFAULT_API_KEY, apiSecret: DEFAULT_API_SECRET }),
      ),
    };
    await createStack(envName, names);
    await createStack(partialEnv, {});
    // the composition roots `invoke` runs build their SDK clients from the standard variables, as in Lambda
    stubAwsEnvironment(endpoint as string);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await sim?.close();
  });

  it('resolves each name from the flag, else the variable, else the stack output', async () => {
    const stack = { envName, cloudformation };
    const flag = { name: '--table', value: 'from-flag' };
    expect(await resolveResourceName('stateTable', { flag, env: { STATE_TABLE_NAME: 'from-var' }, stack })).toBe(
      'from-flag',
    );
    expect(await resolveResourceName('stateTable', { env: { STATE_TABLE_NAME: 'from-var' }, stack })).toBe('from-var');
    for (const resource of Object.keys(STACK_RESOURCES) as (keyof typeof STACK_RESOURCES)[]) {
      const expected =
        resource === 'killSwitchParameter' ? `/btcbot/${envName}/kill-switch` : names[STACK_RESOURCES[resource].output];
      expect(await resolveResourceName(resource, { env: {}, stack })).toBe(expected);
    }
  });

  it('a missing stack or output is one line naming it and what to pass instead; nothing given is a usage error', async () => {
    const missing = await rejection(
      resolveResourceName('stateTable', {
        flag: { name: '--table', value: undefined },
        env: {},
        stack: { envName: absentEnv, cloudformation },
      }),
    );
    expect(missing).toBeInstanceOf(UnresolvedResourceError);
    expect(missing).toMatchObject({
      usage: false,
      message:
        `stack Btcbot-${absentEnv}-Stateful not found (is --env ${absentEnv} deployed in this account and region?): ` +
        'deploy it, or pass --table <name> or set STATE_TABLE_NAME',
    });
    const noOutput = await rejection(
      resolveResourceName('reconcileQueue', { env: {}, stack: { envName: partialEnv, cloudformation } }),
    );
    expect(noOutput).toMatchObject({
      usage: false,
      message:
        `stack Btcbot-${partialEnv}-Stateful (CREATE_COMPLETE) has no output ReconcileQueueUrl for the reconcile ` +
        'queue: set RECONCILE_QUEUE_URL',
    });
    const nothing = await rejection(resolveResourceName('stateTable', { env: {} }));
    expect(nothing).toMatchObject({
      usage: true,
      message: expect.stringMatching(/^no state table: set STATE_TABLE_NAME, or pass --env/),
    });
  });

  it('freeze and degrade find the table by --env: exit 0 from the stack, 1 for a missing stack, 2 for none', async () => {
    const clients = { dynamodb: aws.dynamodb, cloudformation };
    const status = sinks();
    expect(await freezeCommand(clients, {}, 'status', { env: envName }, status.io)).toBe(0);
    expect(status.out[0]).toBe(`stage4#default#freeze (table ${names.StateTableName})`);

    const absent = sinks();
    expect(await degradeCommand(clients, {}, 'status', { env: absentEnv }, absent.io)).toBe(1);
    expect(absent.err).toEqual([
      `degrade status: stack Btcbot-${absentEnv}-Stateful not found (is --env ${absentEnv} deployed in this account ` +
        'and region?): deploy it, or pass --table <name> or set STATE_TABLE_NAME',
    ]);
    expect(absent.out).toEqual([]);

    const none = sinks();
    expect(await freezeCommand(clients, {}, 'status', {}, none.io)).toBe(2);
    expect(none.err[0]).toMatch(
      /^freeze status: no state table: pass --table <name> or set STATE_TABLE_NAME, or pass --env/,
    );
  });

  it('status finds the table by --env: exit 0 from the stack, 1 for a missing stack, 2 with neither', async () => {
    const clients = { dynamodb: aws.dynamodb, ssm: aws.ssm, cloudformation };
    const found = sinks();
    expect(await statusCommand(clients, {}, { env: envName, json: true }, found.io)).toBe(0);
    expect(JSON.parse(found.out.join('\n'))).toMatchObject({ table: names.StateTableName });

    const absent = sinks();
    expect(await statusCommand(clients, {}, { env: absentEnv }, absent.io)).toBe(1);
    expect(absent.err).toEqual([
      `status: stack Btcbot-${absentEnv}-Stateful not found (is --env ${absentEnv} deployed in this account ` +
        'and region?): deploy it, or pass --table <name> or set STATE_TABLE_NAME',
    ]);

    const none = sinks();
    expect(await statusCommand({ dynamodb: aws.dynamodb, ssm: aws.ssm }, {}, { env: envName }, none.io)).toBe(2);
    expect(none.err[0]).toMatch(/^status: no state table: pass --table <name> or set STATE_TABLE_NAME, or pass --env/);
  });

  it('degrade override checks its options before reading any stack', async () => {
    const s = sinks();
    const options = { env: absentEnv, mode: 'LOUD', reason: 'x' };
    expect(await degradeCommand({ dynamodb: aws.dynamodb, cloudformation }, {}, 'override', options, s.io)).toBe(2);
    expect(s.err[0]).toMatch(/^degrade override: --mode: /);
  });

  it('kill-switch status shows the stored switch of the --env stack table; a missing stack is one line and exit 1', async () => {
    const stored = { dynamodb: aws.dynamodb, cloudformation, env: {} };
    const s = sinks();
    expect(await killSwitchCommand(aws.ssm, 'status', { env: envName }, s.io, stored)).toBe(0);
    expect(s.out).toEqual([
      `/btcbot/${envName}/kill-switch = on: live orders are blocked`,
      `stored kill switch opstate#default (table ${names.StateTableName}) = off`,
      'observe-only symbols: none',
    ]);

    await aws.ssm.send(
      new PutParameterCommand({ Name: `/btcbot/${absentEnv}/kill-switch`, Value: 'on', Type: 'String' }),
    );
    const absent = sinks();
    expect(await killSwitchCommand(aws.ssm, 'status', { env: absentEnv }, absent.io, stored)).toBe(1);
    expect(absent.out).toEqual([`/btcbot/${absentEnv}/kill-switch = on: live orders are blocked`]);
    expect(absent.err).toEqual([
      `kill-switch status: the stored kill switch was not read: stack Btcbot-${absentEnv}-Stateful not found (is ` +
        `--env ${absentEnv} deployed in this account and region?): deploy it, or pass --table <name> or set STATE_TABLE_NAME`,
    ]);
  });

  it('doctor --env checks the secret, table and queue its stack names, with none of them in the environment', async () => {
    const s = sinks();
    const code = await doctorCommand(
      { ...aws, cloudformation },
      { BTCTURK_BASE_URL: sim.baseUrl },
      { env: envName },
      s.io,
    );
    expect(s.out.filter((l) => /^(FAIL|WARN) /.test(l))).toEqual([]);
    expect(code).toBe(0);
    expect(s.out.join('\n')).toContain(`secret ${names.CredentialsSecretName} readable`);
    expect(s.out.join('\n')).toContain(`table ${names.StateTableName} ACTIVE`);
    expect(s.out.join('\n')).toContain(`kill switch      /btcbot/${envName}/kill-switch = on`);

    const partial = sinks();
    expect(
      await doctorCommand(
        { ...aws, cloudformation },
        { BTCTURK_BASE_URL: sim.baseUrl },
        { env: partialEnv },
        partial.io,
      ),
    ).toBe(1);
    expect(partial.out.find((l) => l.includes('state table'))).toMatch(
      new RegExp(
        `^FAIL +state table +stack Btcbot-${partialEnv}-Stateful \\(CREATE_COMPLETE\\) has no output StateTableName`,
      ),
    );
  });

  it('invoke --env gives the handler the names its function gets from the stack', async () => {
    const s = sinks();
    const options = { event: 'events/stage7-cycle/scheduled.json', env: envName };
    expect(
      await invokeCommand(
        'stage7-cycle',
        options,
        { LOG_LEVEL: 'ERROR', BTCTURK_BASE_URL: sim.baseUrl },
        s.io,
        cloudformation,
      ),
    ).toBe(0);
    expect(s.err).toEqual([]);

    const absent = sinks();
    const code = await invokeCommand(
      'reconcile',
      { event: 'events/reconcile/poison.json', env: absentEnv },
      {},
      absent.io,
      cloudformation,
    );
    expect(code).toBe(1);
    expect(absent.err).toHaveLength(1);
    expect(absent.err[0]).toMatch(new RegExp(`^invoke: stack Btcbot-${absentEnv}-Stateful not found`));
  });
});
