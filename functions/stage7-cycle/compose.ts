// Composition root of the stage 7 cycle function: the only place its adapters are constructed. Stage 7
// simulates (spec 4.1): the DynamoDB stores and a gateway without credentials (public market reads only).
import { createPublicMarketRuntime } from '../../shared/adapters/aws-runtime';
import { LambdaLogger } from '../../shared/adapters/logging/powertools-logger';
import { EmfMetrics } from '../../shared/adapters/metrics/emf-metrics';
import { gatewayHealthOf, meteredExchange } from '../../shared/adapters/metrics/metered-exchange';
import type { Stage7CycleDeps } from '../../shared/application/stage7/run-stage7-cycle';
import { type Env, loadConfig } from '../../shared/config/load-config';
import type { Metered } from '../../shared/lambda/publish-metrics';

export function compose(env: Env, overrides: Partial<Stage7CycleDeps> = {}): Stage7CycleDeps & Required<Metered> {
  const config = loadConfig(env);
  const runtime = createPublicMarketRuntime(config);
  const deps: Stage7CycleDeps = {
    settings: config,
    clock: runtime.clock,
    exchange: runtime.exchange,
    leases: runtime.stores.leases,
    documents: runtime.stores.documents,
    ledger: runtime.stores.ledger,
    stage7: runtime.stores.stage7,
    log: new LambdaLogger('btcbot-stage7', config.LOG_LEVEL),
    ...overrides,
  };
  // published under its own role: its simulated cycles never share a metric with the trading stages
  const metrics = new EmfMetrics(config.BOT_ENV, 'stage7', deps.log);
  return {
    ...deps,
    exchange: meteredExchange(deps.exchange, metrics, gatewayHealthOf(deps.exchange)),
    metrics,
  };
}
