// The metrics of the deployed wiring: the stage 3 handler composed from environment variables alone, as in
// Lambda (DynamoDB and SSM on moto_server through the real SDK, the BTCTurk simulator over HTTP through the
// runtime's own gateway), publishing its EMF line: the kill switch gauge read from the SSM parameter, the
// UNKNOWN gauges from the DynamoDB journal counts, the breaker gauge from the gateway the runtime built.
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { compose } from '../../functions/stage3-cycle/compose';
import { createHandler } from '../../functions/stage3-cycle/handler';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET } from '../../local/btcturk-sim/options';
import { type RunningSimulator, startSimulator } from '../../local/btcturk-sim/simulator';
import { type Emulator, emulator, motoEndpoint, stubAwsEnvironment } from '../support/aws';
import { LIVE_ENV } from '../support/stage3-harness';
import { captureEmf, valuesOf } from '../unit/adapters/metrics/emf-lines';

const endpoint = motoEndpoint();
const context = (id: string) => ({ awsRequestId: id, getRemainingTimeInMillis: () => 60_000 }) as unknown as Context;
const scheduled = (id: string) => ({
  id,
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  time: new Date().toISOString(),
});

describe.skipIf(endpoint === null)('stage 3 metrics on emulated AWS + the simulator', () => {
  let aws: Emulator;
  let sim: RunningSimulator;
  let env: Record<string, string>;
  let killSwitch: string;
  let capture: ReturnType<typeof captureEmf> | undefined;

  beforeAll(async () => {
    aws = emulator(endpoint as string);
    sim = await startSimulator({ seed: 13, symbols: ['BTCTRY'] });
    killSwitch = await aws.freshParameter('off');
    env = {
      ...LIVE_ENV,
      BOT_ENV: 'prod',
      SYMBOLS: 'BTCTRY',
      BTCTURK_BASE_URL: sim.baseUrl,
      BTCTURK_API_KEY: DEFAULT_API_KEY,
      BTCTURK_API_SECRET: DEFAULT_API_SECRET,
      STATE_TABLE_NAME: await aws.freshTable(),
      RECONCILE_QUEUE_URL: (await aws.freshQueue({ maxReceiveCount: 2, visibilityTimeoutSeconds: 1 })).queueUrl,
      KILL_SWITCH_PARAMETER: killSwitch,
      KILL_SWITCH_CACHE_SECONDS: '0',
    };
    stubAwsEnvironment(endpoint as string);
  });

  afterEach(() => {
    capture?.stop();
    capture = undefined;
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await sim?.close();
  });

  it('a live cycle publishes one EMF line under environment prod, its gauges read from SSM, DynamoDB and the gateway', async () => {
    capture = captureEmf();

    const result = await createHandler(() => compose(env))(scheduled('evt-metrics-1'), context('req-m-1'));

    expect(result.status).toBe('completed');
    const lines = capture.lines();
    expect(lines.map((l) => [l.dimensionSets, l.dimensions])).toEqual([
      [
        [['service', 'environment', 'process_role']],
        { service: 'btcbot', environment: 'prod', process_role: 'stage3' },
      ],
    ]);
    expect(valuesOf(lines[0] as (typeof lines)[0])).toMatchObject({
      cyclesCompleted: 1,
      ordersSubmitted: result.counters.submitted,
      killSwitchEnabled: 0,
      unknownOrders: 0,
      unknownOrderPresent: 0,
      breakerOpen: 0,
      apiErrors: 0,
    });
  });

  it('with the SSM kill switch on, the cycle is blocked and the gauge reads 1', async () => {
    await aws.ssm.send(new PutParameterCommand({ Name: killSwitch, Value: 'on', Type: 'String', Overwrite: true }));
    capture = captureEmf();

    const result = await createHandler(() => compose(env))(scheduled('evt-metrics-2'), context('req-m-2'));

    expect(result.status).toBe('blocked');
    expect(capture.lines().map(valuesOf)).toEqual([
      { cyclesCompleted: 1, killSwitchEnabled: 1, cycleLatency: expect.any(Number), ...zeroOrders },
    ]);
  });
});

/** A blocked cycle reaches no order: its counts are measured zeros */
const zeroOrders = {
  intentsCreated: 0,
  intentsExecuted: 0,
  ordersSubmitted: 0,
  ordersFailed: 0,
  rejects: 0,
};
