// Composition root of the stage 4 cycle function: the only place its adapters are constructed
import { createAwsRuntime } from '../../shared/adapters/aws-runtime';
import { LambdaLogger } from '../../shared/adapters/logging/powertools-logger';
import { meteredTradingPorts } from '../../shared/adapters/metrics/metered-trading-ports';
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
  return meteredTradingPorts(deps, config.BOT_ENV, 'stage4');
}
