// The kill switch, credentials and reconcile queue adapters against moto_server through the real SDK

import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/adapters/clock/manual-clock';
import { SecretsManagerCredentials } from '../../shared/adapters/secrets-manager/secrets-manager-credentials';
import { SqsReconcileQueue } from '../../shared/adapters/sqs/sqs-reconcile-queue';
import { SsmKillSwitch } from '../../shared/adapters/ssm/ssm-kill-switch';
import { ConfigError } from '../../shared/domain/errors';
import { parseReconcileMessage } from '../../shared/lambda/reconcile-message';
import type { ReconcileMessage } from '../../shared/ports/reconcile-queue';
import { type Emulator, emulator, motoEndpoint } from '../support/aws';

const endpoint = motoEndpoint();
const SECRET = 'dGVzdC1zZWNyZXQta2V5LWZvci11bml0LXRlc3Rz';

// Skipped only outside CI when moto_server is not installed; the global setup prints that loudly and fails under CI
describe.skipIf(endpoint === null)('AWS adapters on moto_server', () => {
  let aws: Emulator;
  beforeAll(() => {
    aws = emulator(endpoint as string);
  });

  describe('SsmKillSwitch', () => {
    it.each([
      ['off', false],
      [' OFF ', true],
      ['OFF', true],
      ['on', true],
      ['maybe', true],
      ['', true],
    ])('reads %j as %s', async (value, on) => {
      const name = await aws.freshParameter(value === '' ? ' ' : value);
      expect(await new SsmKillSwitch(aws.ssm, name, new ManualClock(0)).isOn()).toBe(on);
    });

    it('fails closed when the parameter does not exist', async () => {
      expect(await new SsmKillSwitch(aws.ssm, '/btcbot/none/kill-switch', new ManualClock(0)).isOn()).toBe(true);
    });

    it('reuses a reading for at most the cache time', async () => {
      const name = await aws.freshParameter('off');
      const clock = new ManualClock(0);
      const killSwitch = new SsmKillSwitch(aws.ssm, name, clock, 10_000);
      expect(await killSwitch.isOn()).toBe(false);
      await aws.ssm.send(new PutParameterCommand({ Name: name, Value: 'on', Type: 'String', Overwrite: true }));
      clock.advance(9_999);
      expect(await killSwitch.isOn()).toBe(false);
      clock.advance(1);
      expect(await killSwitch.isOn()).toBe(true);
    });
  });

  describe('SecretsManagerCredentials', () => {
    it('parses {apiKey, apiSecret} and caches it per container', async () => {
      const id = await aws.freshSecret(JSON.stringify({ apiKey: 'test-public-key', apiSecret: SECRET }));
      const creds = new SecretsManagerCredentials(aws.secrets, id, new ManualClock(0));
      expect(await creds.get()).toEqual({ apiKey: 'test-public-key', apiSecret: SECRET });
      expect(await creds.get()).toEqual({ apiKey: 'test-public-key', apiSecret: SECRET });
    });

    it('reports a malformed secret by field without echoing any value', async () => {
      const id = await aws.freshSecret(JSON.stringify({ apiKey: 'visible-key-123', apiSecret: 'not base64 !!' }));
      const err = await new SecretsManagerCredentials(aws.secrets, id, new ManualClock(0))
        .get()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toContain('field apiSecret: expected base64 text');
      expect((err as ConfigError).message).not.toContain('not base64 !!');
      expect((err as ConfigError).message).not.toContain('visible-key-123');
    });

    it('reports a missing field and a secret that is not JSON', async () => {
      const missing = await aws.freshSecret(JSON.stringify({ apiKey: 'k' }));
      await expect(new SecretsManagerCredentials(aws.secrets, missing, new ManualClock(0)).get()).rejects.toThrow(
        /field apiSecret: missing or not a string/,
      );
      const text = await aws.freshSecret('apiKey=k');
      await expect(new SecretsManagerCredentials(aws.secrets, text, new ManualClock(0)).get()).rejects.toThrow(
        /is not JSON/,
      );
    });

    it('reports an unreadable secret as a configuration error', async () => {
      await expect(
        new SecretsManagerCredentials(aws.secrets, 'btcbot/none/btcturk', new ManualClock(0)).get(),
      ).rejects.toThrow(/cannot read secret btcbot\/none\/btcturk: ResourceNotFoundException/);
    });
  });

  describe('SqsReconcileQueue', () => {
    const message: ReconcileMessage = {
      account: 'default',
      clientOrderId: 'bb3-BTCTRY-b-0123456789abcdef0123',
      reason: 'submit_uncertain',
      enqueuedAtMs: 1_700_000_000_000,
    };

    it('sends a body that the reconcile handler parses back to the same message', async () => {
      const { queueUrl } = await aws.freshQueue();
      await new SqsReconcileQueue(aws.sqs, queueUrl).enqueue(message);
      const got = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
      expect(got.Messages?.map((m) => parseReconcileMessage(m.Body ?? ''))).toEqual([message]);
    });

    it('refuses to send an invalid message', async () => {
      const { queueUrl } = await aws.freshQueue();
      await expect(
        new SqsReconcileQueue(aws.sqs, queueUrl).enqueue({ ...message, clientOrderId: '' }),
      ).rejects.toThrow();
    });
  });
});
