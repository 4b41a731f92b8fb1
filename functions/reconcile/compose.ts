// Composition root of the reconcile function: the only place its adapters are constructed
import { createAwsRuntime } from '../../shared/adapters/aws-runtime';
import { LambdaLogger } from '../../shared/adapters/logging/powertools-logger';
import { EmfMetrics } from '../../shared/adapters/metrics/emf-metrics';
import { gatewayHealthOf, meteredExchange } from '../../shared/adapters/metrics/metered-exchange';
import type { ReconcileMessageDeps } from '../../shared/application/reconcile-batch';
import { reconcilePolicyOf } from '../../shared/application/reconcile-policy';
import { type Env, loadConfig } from '../../shared/config/load-config';
import { escalationThresholdsOf } from '../../shared/domain/escalation';
import type { Metered } from '../../shared/lambda/publish-metrics';

export function compose(
  env: Env,
  overrides: Partial<ReconcileMessageDeps> = {},
): ReconcileMessageDeps & Required<Metered> {
  const config = loadConfig(env);
  const runtime = createAwsRuntime(config);
  const deps: ReconcileMessageDeps = {
    journal: runtime.stores.journal,
    documents: runtime.stores.documents,
    exchange: runtime.exchange,
    clock: runtime.clock,
    queue: runtime.queue,
    log: new LambdaLogger('btcbot-reconcile', config.LOG_LEVEL),
    policy: reconcilePolicyOf(config),
    retryDelaySeconds: config.RECONCILE_RETRY_DELAY_SECONDS,
    maxReceives: config.RECONCILE_MAX_RECEIVES,
    escalation: escalationThresholdsOf(config),
    ...overrides,
  };
  const metrics = new EmfMetrics(config.BOT_ENV, 'reconcile', deps.log);
  return { ...deps, exchange: meteredExchange(deps.exchange, metrics, gatewayHealthOf(deps.exchange)), metrics };
}
