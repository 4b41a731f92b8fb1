// Composition root of the stage 7 cycle function: the only place its adapters are constructed. Stage 7
// simulates (spec 4.1): the DynamoDB stores and a gateway without credentials (public market reads only).
import { createPublicMarketRuntime } from '../../shared/adapters/aws-runtime';
import { LambdaLogger } from '../../shared/adapters/logging/powertools-logger';
import type { Stage7CycleDeps } from '../../shared/application/stage7/run-stage7-cycle';
import { type Env, loadConfig } from '../../shared/config/load-config';

export function compose(env: Env, overrides: Partial<Stage7CycleDeps> = {}): Stage7CycleDeps {
  const config = loadConfig(env);
  const runtime = createPublicMarketRuntime(config);
  return {
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
}
