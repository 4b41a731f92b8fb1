// The scheduled event a cycle function receives: the EventBridge "Scheduled Event" shape (also what our
// EventBridge Scheduler schedules send). Its `id` is stable across retries of one schedule firing, so it
// is the cycle id from which every order of the cycle is derived.
import { z } from 'zod';
import { parseInput } from '../application/parse-input';

export const ScheduledEventSchema = z.looseObject({
  id: z.string().min(1).max(128),
  'detail-type': z.literal('Scheduled Event'),
  source: z.enum(['aws.events', 'aws.scheduler']),
  time: z.iso.datetime({ offset: true }),
});
export type ScheduledEvent = z.infer<typeof ScheduledEventSchema>;

/** @throws ValidationError naming every problem of the event */
export const parseScheduledEvent = (event: unknown): ScheduledEvent =>
  parseInput(ScheduledEventSchema, 'scheduled event', event);
