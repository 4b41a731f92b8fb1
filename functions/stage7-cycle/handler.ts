// Stage 7 cycle function: one scheduled event -> one simulated stage 7 cycle (spec 4.1-4.2). It never trades:
// an environment armed for live trading, DRY_RUN=false or STAGE7_ENABLED=false fail the invocation with a
// typed error before anything is read. Every retry of one firing gets the same cycle id (cycleIdOf), and a
// cycle id already saved only completes its ledger append; a firing older than CYCLE_MAX_EVENT_AGE_SECONDS
// runs no cycle.

import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import {
  runStage7Cycle,
  type Stage7CycleDeps,
  type Stage7CycleResult,
} from '../../shared/application/stage7/run-stage7-cycle';
import { lazy } from '../../shared/lambda/lazy';
import { logErrors } from '../../shared/lambda/log-errors';
import { cycleIdOf, parseScheduledEvent, scheduledAtMs } from '../../shared/lambda/scheduled-event';
import { compose } from './compose';

const RUN_ID = randomUUID().replaceAll('-', '');

export const createHandler = (deps: () => Stage7CycleDeps) =>
  middy<unknown, Stage7CycleResult, Error, Context>({ timeoutEarlyInMillis: 2_000 })
    .use(logErrors(() => deps().log))
    .handler(async (event, context) => {
      const scheduled = parseScheduledEvent(event);
      return runStage7Cycle(deps(), {
        cycleId: cycleIdOf(scheduled),
        scheduledAtMs: scheduledAtMs(scheduled),
        runId: RUN_ID,
        invocationId: context.awsRequestId,
      });
    });

export const handler = createHandler(lazy(() => compose(process.env)));
