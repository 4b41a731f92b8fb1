// Stage 4 cycle function: one scheduled event -> one stage 4 cycle (spec 3.2). Every retry of one firing gets
// the same cycle id (cycleIdOf); a firing older than CYCLE_MAX_EVENT_AGE_SECONDS runs no cycle. It takes the
// account's trading lease, the one stage 3 takes too, so the two stages never trade one account at once.

import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import {
  runStage4Cycle,
  type Stage4CycleDeps,
  type Stage4CycleResult,
} from '../../shared/application/stage4/run-stage4-cycle';
import { lazy } from '../../shared/lambda/lazy';
import { logErrors } from '../../shared/lambda/log-errors';
import { cycleIdOf, parseScheduledEvent, scheduledAtMs } from '../../shared/lambda/scheduled-event';
import { compose } from './compose';

const RUN_ID = randomUUID().replaceAll('-', '');

export const createHandler = (deps: () => Stage4CycleDeps) =>
  middy<unknown, Stage4CycleResult, Error, Context>({ timeoutEarlyInMillis: 2_000 })
    .use(logErrors(() => deps().log))
    .handler(async (event, context) => {
      const scheduled = parseScheduledEvent(event);
      return runStage4Cycle(deps(), {
        cycleId: cycleIdOf(scheduled),
        scheduledAtMs: scheduledAtMs(scheduled),
        runId: RUN_ID,
        invocationId: context.awsRequestId,
      });
    });

export const handler = createHandler(lazy(() => compose(process.env)));
