// `btcbot doctor` against moto_server and the BTCTurk simulator: all OK for a complete deployment, FAIL
// for a missing secret, table or parameter, WARN for DLQ messages and clock skew, FAIL (not a hang) for
// an unreachable endpoint.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DoctorClients, doctorCommand } from '../../bin/commands/doctor-command';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET } from '../../local/btcturk-sim/options';
import { type RunningSimulator, startSimulator } from '../../local/btcturk-sim/simulator';
import { ManualClock } from '../../shared/adapters/clock/manual-clock';
import { type Emulator, emulator, motoEndpoint } from '../support/aws';

const endpoint = motoEndpoint();

const sinks = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
};

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

  it('fails on a missing secret, table and kill-switch parameter (--env names the parameter)', async () => {
    const { KILL_SWITCH_PARAMETER: _p, ...rest } = env;
    const broken = { ...rest, BTCTURK_SECRET_ID: 'btcbot/test/missing', STATE_TABLE_NAME: 'missing-table' };
    const s = sinks();
    expect(await doctorCommand(clients, broken, { env: 'nowhere' }, s.io)).toBe(1);
    expect(line(s.out, 'secret')).toMatch(/^FAIL +secret +cannot read secret btcbot\/test\/missing: ResourceNotFound/);
    expect(line(s.out, 'state table')).toMatch(/^FAIL +state table +ResourceNotFoundException/);
    expect(line(s.out, 'kill switch')).toMatch(/^FAIL +kill switch +ParameterNotFound/);
    expect(s.out.at(-1)).toBe('7 checks: 4 OK, 0 WARN, 3 FAIL');
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
    expect(s.out.at(-1)).toBe('7 checks: 2 OK, 0 WARN, 5 FAIL');
  });

  it('lists the configuration problems and stops when the configuration is invalid', async () => {
    const s = sinks();
    expect(await doctorCommand(clients, { ...env, MAX_ORDERS_PER_CYCLE: 'many' }, {}, s.io)).toBe(2);
    expect(s.out[0]).toMatch(/^FAIL {2}configuration {2}1 problem\(s\)/);
    expect(s.out[1]).toMatch(/^ +MAX_ORDERS_PER_CYCLE: /);
    expect(s.out).toHaveLength(2);
  });
});
