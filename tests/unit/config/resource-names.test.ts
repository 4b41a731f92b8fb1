// The AWS names a deployed function is given follow their service's rules at load time, so a garbage
// value fails the cold start by variable name instead of every call failing later.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/load-config';
import { ConfigError } from '../../../shared/domain/errors';

function refused(variable: string, value: string): ConfigError {
  try {
    loadConfig({ [variable]: value });
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`expected ${variable}=${JSON.stringify(value)} to be refused`);
}

const accepted = (variable: string, value: string) =>
  expect((loadConfig({ [variable]: value }) as Record<string, unknown>)[variable]).toBe(value);

const cases: Record<string, { good: string[]; bad: string[]; expected: string }> = {
  STATE_TABLE_NAME: {
    good: ['btcbot-dev-state', 'state-1a2b3c4d', 'a.b_c-1', 'x'.repeat(255)],
    bad: ['ab', 'my table', 'état', 'btcbot/dev', 'x'.repeat(256), 'arn:aws:dynamodb:eu-west-1:123456789012:table/t'],
    expected: 'expected a DynamoDB table name',
  },
  RECONCILE_QUEUE_URL: {
    good: [
      'https://sqs.eu-west-1.amazonaws.com/123456789012/btcbot-dev-reconcile',
      'https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo',
      // moto_server, as the tests and `btcbot local --aws moto` create queues
      'http://127.0.0.1:34257/123456789012/reconcile-abc12345',
      'http://localhost:4566/000000000000/reconcile',
    ],
    bad: [
      'reconcile',
      'sqs.eu-west-1.amazonaws.com/123456789012/q',
      'ftp://sqs.eu-west-1.amazonaws.com/123456789012/q',
      'http://sqs.eu-west-1.amazonaws.com/123456789012/q',
      'https://sqs.eu-west-1.amazonaws.com/q',
      'https://sqs.eu-west-1.amazonaws.com/12345/q',
      'https://sqs.eu-west-1.amazonaws.com/123456789012/q/extra',
      'https://sqs.eu-west-1.amazonaws.com/123456789012/my queue',
      'https://sqs.eu-west-1.amazonaws.com/123456789012/q?Action=SendMessage',
      `https://sqs.eu-west-1.amazonaws.com/123456789012/${'q'.repeat(81)}`,
    ],
    expected: 'expected an SQS queue URL',
  },
  KILL_SWITCH_PARAMETER: {
    good: ['/btcbot/dev/kill-switch', '/btcbot/test/kill-switch-1a2b3c4d', 'kill_switch.v1', '/kill-switch'],
    bad: [
      'btcbot/dev/kill-switch',
      '/btcbot//kill-switch',
      '/btcbot/dev/',
      '/btcbot/dev/kill switch',
      '/btcbot/dev/kill*',
      '/aws/service/kill-switch',
      'ssm-kill-switch',
      `/${Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')}`,
      `/${'p'.repeat(1011)}`,
    ],
    expected: 'expected an SSM parameter name',
  },
  BTCTURK_SECRET_ID: {
    good: [
      'btcbot/dev/btcturk',
      'btcbot/test/btcturk-1a2b3c4d',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:btcbot/dev/btcturk-AbCdEf',
    ],
    bad: [
      'btcbot dev',
      'btcbot/dev/btcturk\u0000',
      's'.repeat(513),
      'arn:aws:secretsmanager:eu-west-1:1234:secret:btcbot/dev/btcturk',
      'arn:aws:ssm:eu-west-1:123456789012:parameter/btcbot',
    ],
    expected: 'expected a Secrets Manager secret name',
  },
  BOT_ENV: {
    good: ['dev', 'prod-1', 'staging.eu'],
    bad: ['dev/prod', 'my env', 'x'.repeat(65)],
    expected: 'expected 1-64 characters of A-Z a-z 0-9 _ . -',
  },
};

describe.each(Object.entries(cases))('%s', (variable, { good, bad, expected }) => {
  it.each(good)('accepts %s', (value) => accepted(variable, value));

  it.each(bad)('refuses %s, naming the variable and the rule', (value) => {
    const e = refused(variable, value);
    expect(e.issues.map((i) => i.variable)).toEqual([variable]);
    expect(e.issues[0]?.message).toContain(expected);
  });
});
