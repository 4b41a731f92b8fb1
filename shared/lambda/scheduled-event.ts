// The scheduled event a cycle function receives: the EventBridge "Scheduled Event" shape (also what our
// EventBridge Scheduler schedules send). The cycle id must be stable across retries of one firing, because
// every order of the cycle is derived from it: a retry then replays the journal instead of ordering again.
// An EventBridge rule keeps its event `id` across retries, but EventBridge Scheduler's
// `<aws.scheduler.execution-id>` is new for every attempted invocation (AWS Scheduler user guide, "context
// attributes"), so a Scheduler firing is named by its schedule and its scheduled time instead.
import { z } from 'zod';
import { parseInput } from '../application/parse-input';

export const ScheduledEventSchema = z.looseObject({
  id: z.string().min(1).max(128),
  'detail-type': z.literal('Scheduled Event'),
  source: z.enum(['aws.events', 'aws.scheduler']),
  time: z.iso.datetime({ offset: true }),
  resources: z.array(z.string().min(1).max(2048)).optional(),
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
