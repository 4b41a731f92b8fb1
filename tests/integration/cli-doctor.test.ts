// `btcbot doctor` against moto_server and the BTCTurk simulator: all OK for a complete deployment; a FAIL
// line naming the cause for a missing secret, table, parameter or queue, no AWS region, no credentials, a
// stopped exchange and an unreachable AWS endpoint (within the time limit, not a hang); WARN for DLQ
// messages and clock skew, FAIL above the threshold with the measured offset.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DoctorClients, doctorCommand } from '../../bin/commands/doctor-command';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET } from '../../local/btcturk-sim/options';
import { type RunningSimulator, startSimulator } from '../../local/btcturk-sim/simulator';
import { ManualClock } from '../../shared/adapters/clock/manual-clock';
import { type Emulator, emulator, emulatorClientConfig, motoEndpoint, TEST_REGION } from '../support/aws';
import { sinks } from '../support/io-sinks';

const endpoint = motoEndpoint();

const line = (out: readonly string[], check: string) => out.find((l) => new RegExp(`^\\w+ +${check}  `).test(l)) ?? '';

// Skipped only outside CI when moto_server is not installed; the global setup prints that loudly and fails under CI
describe.skipIf(endpoint === null)('btcbot doctor (moto_server + simulator)', () => {
  let aws: Emulator;
  let clients: DoctorClients;
  let sim: RunningSimulator;
  let skewedSim: RunningSimulator;
  let env: Record<string, string>;
  let dlqUrl: string;

  beforeAll(async () => {
    aws = emulator(endpoint as string);
    clients = aws;
    sim = await startSimulator({ seed: 3, symbols: ['BTCTRY'] });
    skewedSim = await startSimulator({ seed: 3, symbols: ['BTCTRY'], clock: new ManualClock(Date.now() + 5_000) });
    const queue = await aws.freshQueue();
    dlqUrl = queue.dlqUrl;
    env = {
      BTCTURK_BASE_URL: sim.baseUrl,
      STATE_TABLE_NAME: await aws.freshTable(),
      RECONCILE_QUEUE_URL: queue.queueUrl,
      KILL_SWITCH_PARAMETER: await aws.freshParameter('on'),
      BTCTURK_SECRET_ID: await aws.freshSecret(
        JSON.stringify({ apiKey: DEFAULT_API_KEY, apiSecret: DEFAULT_API_SECRET }),
      ),
    };
  });

  afterAll(async () => {
    await sim?.close();
    await skewedSim?.close();
  });

  it('reports every check OK for a complete deployment and exits 0, never printing the secret', async () => {
    const s = sinks();
    expect(await doctorCommand(clients, env, {}, s.io)).toBe(0);
    expect(s.out).toHaveLength(8);
    expect(line(s.out, 'configuration')).toMatch(/^OK +configuration +valid \(BOT_ENV dev, BOT_ACCOUNT default\)/);
    expect(line(s.out, 'arming')).toMatch(/^OK +arming +Effective Side-Effects State: BLOCKED/);
    expect(line(s.out, 'secret')).toMatch(/^OK +secret +secret btcbot\/test\/.* readable/);
    expect(line(s.out, 'kill switch')).toContain(`${env.KILL_SWITCH_PARAMETER} = on: live orders are blocked`);
    expect(line(s.out, 'state table')).toMatch(
      /^OK +state table +table state-\w+ ACTIVE, index gsi1, TTL on expiresAt/,
    );
    expect(line(s.out, 'reconcile queue')).toMatch(
      /^OK +reconcile queue +0 message\(s\) queued; DLQ reconcile-dlq-\w+ empty/,
    );
    expect(line(s.out, 'clock skew')).toMatch(/^OK +clock skew +exchange clock (ahead|behind) by \d+ ms$/);
    expect(s.out.at(-1)).toBe('7 checks: 7 OK, 0 WARN, 0 FAIL');
    expect(s.out.join('\n')).not.toContain(DEFAULT_API_SECRET);
  });

  it('names each missing resource: secret, table, kill-switch parameter (--env names it) and queue', async () => {
    const { KILL_SWITCH_PARAMETER: _p, ...rest } = env;
    const missingQueue = `${env.RECONCILE_QUEUE_URL}-missing`;
    const broken = {
      ...rest,
      BTCTURK_SECRET_ID: 'btcbot/test/missing',
      STATE_TABLE_NAME: 'missing-table',
      RECONCILE_QUEUE_URL: missingQueue,
    };
    const s = sinks();
    expect(await doctorCommand(clients, broken, { env: 'nowhere' }, s.io)).toBe(1);
    expect(line(s.out, 'secret')).toMatch(/^FAIL +secret +secret btcbot\/test\/missing not found$/);
    expect(line(s.out, 'state table')).toMatch(/^FAIL +state table +state table missing-table not found$/);
    expect(line(s.out, 'kill switch')).toMatch(
      /^FAIL +kill switch +kill switch parameter \/btcbot\/nowhere\/kill-switch not found$/,
    );
    expect(line(s.out, 'reconcile queue')).toBe(`FAIL  reconcile queue  reconcile queue ${missingQueue} not found`);
    expect(s.out.at(-1)).toBe('7 checks: 3 OK, 0 WARN, 4 FAIL');
  });

  it('says the exchange cannot be reached, with the address and the connection error, not an open breaker', async () => {
    const stopped = await startSimulator({ seed: 3, symbols: ['BTCTRY'] });
    await stopped.close();
    const s = sinks();
    expect(await doctorCommand(clients, { ...env, BTCTURK_BASE_URL: stopped.baseUrl }, {}, s.io)).toBe(1);
    const { host } = new URL(stopped.baseUrl);
    expect(line(s.out, 'clock skew')).toBe(
      `FAIL  clock skew       cannot reach the exchange at ${stopped.baseUrl}: connect ECONNREFUSED ${host}`,
    );
  });

  it('warns about messages in the dead-letter queue and about clock skew over 1 s', async () => {
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: '{"clientOrderId":' }));
    const s = sinks();
    expect(await doctorCommand(clients, { ...env, BTCTURK_BASE_URL: skewedSim.baseUrl }, {}, s.io)).toBe(0);
    expect(line(s.out, 'reconcile queue')).toMatch(
      /^WARN +reconcile queue +0 message\(s\) queued; DLQ .* holds 1 message/,
    );
    expect(line(s.out, 'clock skew')).toMatch(/^WARN +clock skew +exchange clock ahead by \d+/);

    const strict = sinks();
    const code = await doctorCommand(
      clients,
      { ...env, BTCTURK_BASE_URL: skewedSim.baseUrl, CLOCK_SKEW_SECONDS_THRESHOLD: '2' },
      {},
      strict.io,
    );
    expect(code).toBe(1);
    expect(line(strict.out, 'clock skew')).toMatch(/^FAIL +clock skew +.*\(CLOCK_SKEW_SECONDS_THRESHOLD 2 s\)$/);
  });

  it('fails every check of an unreachable endpoint within the time limit instead of hanging', async () => {
    const dead = emulator('http://127.0.0.1:9');
    const s = sinks();
    const started = Date.now();
    const code = await doctorCommand(
      dead,
      { ...env, BTCTURK_BASE_URL: 'http://127.0.0.1:9' },
      { timeoutMs: 1_500 },
      s.io,
    );
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(3_000);
    for (const check of ['secret', 'kill switch', 'state table', 'reconcile queue']) {
      expect(line(s.out, check)).toMatch(/ +cannot reach AWS: connect ECONNREFUSED 127\.0\.0\.1:9$/);
    }
    expect(line(s.out, 'clock skew')).toMatch(
      /cannot reach the exchange at http:\/\/127\.0\.0\.1:9: connect ECONNREFUSED/,
    );
    expect(s.out.at(-1)).toBe('7 checks: 2 OK, 0 WARN, 5 FAIL');
  });

  it('says access to the secret is denied, as Secrets Manager answers an IAM refusal', async () => {
    // Secrets Manager's wire answer to a caller without secretsmanager:GetSecretValue (moto does not enforce IAM)
    const denying = createServer((_, res) => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'AccessDeniedException' });
      res.end(JSON.stringify({ __type: 'AccessDeniedException', message: 'not authorized to perform GetSecretValue' }));
    });
    await new Promise<void>((resolve) => denying.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = denying.address() as AddressInfo;
      const secrets = new SecretsManagerClient(emulatorClientConfig(`http://127.0.0.1:${port}`));
      const s = sinks();
      expect(await doctorCommand({ ...clients, secrets }, env, {}, s.io)).toBe(1);
      expect(line(s.out, 'secret')).toBe(
        `FAIL  secret           secret ${env.BTCTURK_SECRET_ID}: access denied (AccessDeniedException)`,
      );
    } finally {
      denying.close();
    }
  });

  describe('without AWS settings', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    /** Clients as the CLI builds them ({} but the endpoint): region and credentials come from the environment */
    const bare = (config: { endpoint: string; region?: string; credentials?: unknown }) => ({
      dynamodb: new DynamoDBClient(config as object),
      ssm: new SSMClient(config as object),
      sqs: new SQSClient(config as object),
      secrets: new SecretsManagerClient(config as object),
      cloudformation: new CloudFormationClient(config as object),
    });

    it('says the AWS region is not set, for every AWS check and for the stack read of --env', async () => {
      vi.stubEnv('AWS_REGION', undefined);
      const { region: _r, ...noRegion } = emulatorClientConfig(endpoint as string);
      const s = sinks();
      const { STATE_TABLE_NAME: _t, ...noTable } = env;
      expect(await doctorCommand(bare(noRegion), noTable, { env: 'dev' }, s.io)).toBe(1);
      for (const check of ['secret', 'kill switch', 'reconcile queue']) {
        expect(line(s.out, check)).toMatch(/ {2}AWS region not set \(set AWS_REGION\)$/);
      }
      expect(line(s.out, 'state table')).toMatch(
        / {2}cannot read stack Btcbot-dev-Stateful for the state table: AWS region not set \(set AWS_REGION\)$/,
      );
      expect(line(s.out, 'clock skew')).toMatch(/^OK /);
    });

    it('says the AWS credentials are missing', async () => {
      for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
        vi.stubEnv(name, undefined);
      vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
      const s = sinks();
      expect(await doctorCommand(bare({ endpoint: endpoint as string, region: TEST_REGION }), env, {}, s.io)).toBe(1);
      for (const check of ['secret', 'kill switch', 'state table', 'reconcile queue']) {
        expect(line(s.out, check)).toMatch(
          / {2}AWS credentials not found \(set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\)$/,
        );
      }
    });
  });

  it('lists the configuration problems and stops when the configuration is invalid', async () => {
    const s = sinks();
    expect(await doctorCommand(clients, { ...env, MAX_ORDERS_PER_CYCLE: 'many' }, {}, s.io)).toBe(2);
    expect(s.out[0]).toMatch(/^FAIL {2}configuration {2}1 problem\(s\)/);
    expect(s.out[1]).toMatch(/^ +MAX_ORDERS_PER_CYCLE: /);
    expect(s.out).toHaveLength(2);
  });
});
