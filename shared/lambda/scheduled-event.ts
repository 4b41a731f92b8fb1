// The scheduled event a cycle function receives: the EventBridge "Scheduled Event" shape (also what our
// EventBridge Scheduler schedules send). The cycle id must be stable across retries of one firing, because
// every order of the cycle is derived from it: a retry then replays the journal instead of ordering again.
// An EventBridge rule keeps its event `id` across retries, but EventBridge Scheduler's
// `<aws.scheduler.execution-id>` is new for every attempted invocation (AWS Scheduler user guide, "context
// attributes"), so a Scheduler firing is named by its schedule and its scheduled time instead.
import * as z from 'zod';
import { parseInput } from '../application/parse-input';

// The cycle id keys the cycle's audit in the state table (partition key <= 2048 bytes, sort key <= 1024): a
// Scheduler id is built from the schedule's name and the time, so both are held to what AWS ever sends, or
// the audit written at the end of a cycle that already placed orders would fail.
const NAME = '[0-9A-Za-z_.-]{1,64}';
/** arn:aws:scheduler:<region>:<account>:schedule/<group>/<name>, names as AWS allows them */
const SCHEDULE_ARN = new RegExp(`^arn:aws[a-z-]*:scheduler:[a-z0-9-]+:\\d{12}:schedule/${NAME}/${NAME}$`);
/** Whole seconds with up to nanoseconds and an offset: 35 characters */
const MAX_TIME_LENGTH = 35;

export const ScheduledEventSchema = z
  .looseObject({
    id: z.string().min(1).max(128),
    'detail-type': z.literal('Scheduled Event'),
    source: z.enum(['aws.events', 'aws.scheduler']),
    time: z.iso.datetime({ offset: true }).max(MAX_TIME_LENGTH),
    resources: z.array(z.string().min(1).max(2048)).optional(),
  })
  .superRefine((event, ctx) => {
    const arn = event.resources?.[0];
    if (event.source === 'aws.scheduler' && arn !== undefined && !SCHEDULE_ARN.test(arn)) {
      const message = `expected a schedule ARN (arn:aws:scheduler:<region>:<account>:schedule/<group>/<name>, names 1-64 of A-Z a-z 0-9 . _ -), was ${arn.length} characters`;
      ctx.addIssue({ code: 'custom', path: ['resources', 0], message });
    }
  });
export type ScheduledEvent = z.infer<typeof ScheduledEventSchema>;

/** @throws ValidationError naming every problem of the event */
export const parseScheduledEvent = (event: unknown): ScheduledEvent =>
  parseInput(ScheduledEventSchema, 'scheduled event', event);

/** The id every retry of one firing shares: `<schedule name>@<scheduled time>` for Scheduler, the event id for rules */
export function cycleIdOf(event: ScheduledEvent): string {
  if (event.source === 'aws.events') return event.id;
  const schedule = event.resources?.[0]?.split('/').pop() || 'schedule';
  return `${schedule}@${event.time}`;
}

/** When the firing was due (ms): a cycle compares it with its maximum event age */
export const scheduledAtMs = (event: ScheduledEvent): number => Date.parse(event.time);
