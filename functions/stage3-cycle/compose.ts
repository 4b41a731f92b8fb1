// Composition root of the stage 3 cycle function: the only place its adapters are constructed
import { createAwsRuntime } from '../../shared/adapters/aws-runtime';
import { LambdaLogger } from '../../shared/adapters/logging/powertools-logger';
import { EmfMetrics } from '../../shared/adapters/metrics/emf-metrics';
import { gatewayBreakerOpen, meteredExchange } from '../../shared/adapters/metrics/metered-exchange';
import { meteredJournal } from '../../shared/adapters/metrics/metered-journal';
import { meteredKillSwitch } from '../../shared/adapters/metrics/metered-kill-switch';
import { reconcilePolicyOf } from '../../shared/application/reconcile-policy';
import type { Stage3Deps } from '../../shared/application/stage3/run-stage3-cycle';
import { type Env, loadConfig } from '../../shared/config/load-config';
import type { Metered } from '../../shared/lambda/publish-metrics';

export function compose(env: Env, overrides: Partial<Stage3Deps> = {}): Stage3Deps & Required<Metered> {
  const config = loadConfig(env);
  const runtime = createAwsRuntime(config);
  const deps: Stage3Deps = {
    settings: config,
    clock: runtime.clock,
    exchange: runtime.exchange,
    ...runtime.stores,
    killSwitch: runtime.killSwitch,
    queue: runtime.queue,
    log: new LambdaLogger('btcbot-stage3', config.LOG_LEVEL),
    reconcilePolicy: reconcilePolicyOf(config),
    ...overrides,
  };
  // the ports are metered as given, overrides included: what the cycle calls is what is counted
  const metrics = new EmfMetrics(config.BOT_ENV, 'stage3', deps.log);
  return {
    ...deps,
    exchange: meteredExchange(deps.exchange, metrics, gatewayBreakerOpen(deps.exchange)),
    killSwitch: meteredKillSwitch(deps.killSwitch, metrics),
    journal: meteredJournal(deps.journal, metrics),
    metrics,
  };
}
