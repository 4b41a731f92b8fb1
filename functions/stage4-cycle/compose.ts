// Composition root of the stage 4 cycle function: the only place its adapters are constructed
import { createAwsRuntime } from '../../shared/adapters/aws-runtime';
import { LambdaLogger } from '../../shared/adapters/logging/powertools-logger';
import { EmfMetrics } from '../../shared/adapters/metrics/emf-metrics';
import { gatewayBreakerOpen, meteredExchange } from '../../shared/adapters/metrics/metered-exchange';
import { meteredJournal } from '../../shared/adapters/metrics/metered-journal';
import { meteredKillSwitch } from '../../shared/adapters/metrics/metered-kill-switch';
import { reconcilePolicyOf } from '../../shared/application/reconcile-policy';
import type { Stage4CycleDeps } from '../../shared/application/stage4/run-stage4-cycle';
import { type Env, loadConfig } from '../../shared/config/load-config';
import type { Metered } from '../../shared/lambda/publish-metrics';

export function compose(env: Env, overrides: Partial<Stage4CycleDeps> = {}): Stage4CycleDeps & Required<Metered> {
  const config = loadConfig(env);
  const runtime = createAwsRuntime(config);
  const deps: Stage4CycleDeps = {
    settings: config,
    clock: runtime.clock,
    exchange: runtime.exchange,
    ...runtime.stores,
    killSwitch: runtime.killSwitch,
    queue: runtime.queue,
    log: new LambdaLogger('btcbot-stage4', config.LOG_LEVEL),
    reconcilePolicy: reconcilePolicyOf(config),
    ...overrides,
  };
  // the ports are metered as given, overrides included: what the cycle calls is what is counted
  const metrics = new EmfMetrics(config.BOT_ENV, 'stage4', deps.log);
  return {
    ...deps,
    exchange: meteredExchange(deps.exchange, metrics, gatewayBreakerOpen(deps.exchange)),
    killSwitch: meteredKillSwitch(deps.killSwitch, metrics),
    journal: meteredJournal(deps.journal, metrics),
    metrics,
  };
}
