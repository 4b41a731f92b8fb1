// Composition root of the stage 3 cycle function: the only place its adapters are constructed
import { createAwsRuntime } from '../../shared/adapters/aws-runtime';
import { LambdaLogger } from '../../shared/adapters/logging/powertools-logger';
import { meteredTradingPorts } from '../../shared/adapters/metrics/metered-trading-ports';
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
  return meteredTradingPorts(deps, config.BOT_ENV, 'stage3');
}
