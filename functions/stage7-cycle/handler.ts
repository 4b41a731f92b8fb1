// Stage 7 cycle function: one scheduled event -> one simulated stage 7 cycle (spec 4.1-4.2). It never trades:
// an environment armed for live trading, DRY_RUN=false or STAGE7_ENABLED=false fail the invocation with a
// typed error before anything but its runtime state document is read. Every retry of one firing gets the same
// cycle id (cycleIdOf), and a cycle id already saved only completes its ledger append; a firing older than
// CYCLE_MAX_EVENT_AGE_SECONDS runs no cycle.

import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import {
  runStage7Cycle,
  type Stage7CycleDeps,
  type Stage7CycleResult,
} from '../../shared/application/stage7/run-stage7-cycle';
import { meteredCycle, recordStage7Cycle } from '../../shared/lambda/cycle-metrics';
import { lazy } from '../../shared/lambda/lazy';
import { logErrors } from '../../shared/lambda/log-errors';
import { type Metered, publishMetrics } from '../../shared/lambda/publish-metrics';
import { cycleIdOf, parseScheduledEvent, scheduledAtMs } from '../../shared/lambda/scheduled-event';
import { compose } from './compose';

const RUN_ID = randomUUID().replaceAll('-', '');

export const createHandler = (deps: () => Stage7CycleDeps & Metered) =>
  middy<unknown, Stage7CycleResult, Error, Context>({ timeoutEarlyInMillis: 2_000 })
    .use(logErrors(() => deps().log))
    .use(publishMetrics(deps))
    .handler(async (event, context) => {
      const scheduled = parseScheduledEvent(event);
      const cycleDeps = deps();
      return meteredCycle(cycleDeps, recordStage7Cycle, () =>
        runStage7Cycle(cycleDeps, {
          cycleId: cycleIdOf(scheduled),
          scheduledAtMs: scheduledAtMs(scheduled),
          runId: RUN_ID,
          invocationId: context.awsRequestId,
        }),
      );
    });

export const handler = createHandler(lazy(() => compose(process.env)));
