import { describe, expect, it } from 'vitest';
import { cycleIdOf, parseScheduledEvent, scheduledAtMs } from '../../../shared/lambda/scheduled-event';

const schedulerEvent = (executionId: string, attempt: number) =>
  parseScheduledEvent({
    version: '0',
    id: executionId,
    'detail-type': 'Scheduled Event',
    source: 'aws.scheduler',
    time: '2026-11-25T10:00:00Z',
    resources: ['arn:aws:scheduler:eu-central-1:123456789012:schedule/default/btcbot-prod-stage3'],
    detail: { attempt },
  });

describe('cycleIdOf', () => {
  it('gives every retry of one Scheduler firing the same cycle id, although the execution id changes', () => {
    // <aws.scheduler.execution-id> is assigned per attempted invocation: the id differs on a retry
    const first = cycleIdOf(schedulerEvent('d32c5kddcf5bb8c3', 1));
    const retry = cycleIdOf(schedulerEvent('9a1b7c0e44f2aa01', 2));
    expect(retry).toBe(first);
    expect(first).toBe('btcbot-prod-stage3@2026-11-25T10:00:00Z');
  });

  it('keeps the event id of an EventBridge rule event (stable across its retries)', () => {
    const event = parseScheduledEvent({
      id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: '2026-11-21T12:00:00Z',
    });
    expect(cycleIdOf(event)).toBe('53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa');
  });

  it('reads when the firing was due', () => {
    expect(scheduledAtMs(schedulerEvent('x', 1))).toBe(Date.UTC(2026, 10, 25, 10, 0, 0));
  });
});
