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
import { meteredCycle, recordStage4Cycle } from '../../shared/lambda/cycle-metrics';
import { lazy } from '../../shared/lambda/lazy';
import { logErrors } from '../../shared/lambda/log-errors';
import { type Metered, publishMetrics } from '../../shared/lambda/publish-metrics';
import { cycleIdOf, parseScheduledEvent, scheduledAtMs } from '../../shared/lambda/scheduled-event';
import { compose } from './compose';

const RUN_ID = randomUUID().replaceAll('-', '');

export const createHandler = (deps: () => Stage4CycleDeps & Metered) =>
  middy<unknown, Stage4CycleResult, Error, Context>({ timeoutEarlyInMillis: 2_000 })
    .use(logErrors(() => deps().log))
    .use(publishMetrics(deps))
    .handler(async (event, context) => {
      const scheduled = parseScheduledEvent(event);
      const cycleDeps = deps();
      return meteredCycle(cycleDeps, recordStage4Cycle, () =>
        runStage4Cycle(cycleDeps, {
          cycleId: cycleIdOf(scheduled),
          scheduledAtMs: scheduledAtMs(scheduled),
          runId: RUN_ID,
          invocationId: context.awsRequestId,
        }),
      );
    });

export const handler = createHandler(lazy(() => compose(process.env)));
