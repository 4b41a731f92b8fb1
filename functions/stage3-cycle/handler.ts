// Stage 3 cycle function: one scheduled event -> one cycle (spec 2.3). Every retry of one firing gets the
// same cycle id (cycleIdOf); a firing older than CYCLE_MAX_EVENT_AGE_SECONDS runs no cycle.

import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import {
  runStage3Cycle,
  type Stage3CycleResult,
  type Stage3Deps,
} from '../../shared/application/stage3/run-stage3-cycle';
import { meteredCycle, recordStage3Cycle } from '../../shared/lambda/cycle-metrics';
import { lazy } from '../../shared/lambda/lazy';
import { logErrors } from '../../shared/lambda/log-errors';
import { type Metered, publishMetrics } from '../../shared/lambda/publish-metrics';
import { cycleIdOf, parseScheduledEvent, scheduledAtMs } from '../../shared/lambda/scheduled-event';
import { compose } from './compose';

const RUN_ID = randomUUID().replaceAll('-', '');

export const createHandler = (deps: () => Stage3Deps & Metered) =>
  middy<unknown, Stage3CycleResult, Error, Context>({ timeoutEarlyInMillis: 2_000 })
    .use(logErrors(() => deps().log))
    .use(publishMetrics(deps))
    .handler(async (event, context) => {
      const scheduled = parseScheduledEvent(event);
      const cycleDeps = deps();
      return meteredCycle(cycleDeps, recordStage3Cycle, () =>
        runStage3Cycle(cycleDeps, {
          cycleId: cycleIdOf(scheduled),
          scheduledAtMs: scheduledAtMs(scheduled),
          runId: RUN_ID,
          invocationId: context.awsRequestId,
        }),
      );
    });

export const handler = createHandler(lazy(() => compose(process.env)));
