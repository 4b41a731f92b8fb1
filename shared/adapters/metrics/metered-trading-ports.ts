// The ports of a trading cycle (stage 3 or 4) metered for its invocation: the exchange (API errors, 429s, 1123
// rejects, the breaker), the kill switch it read and the journal's UNKNOWN count, plus the recorder that
// publishes them. The ports are metered as given, overrides included: what the cycle calls is what is counted.
import type { ProcessRole } from '../../domain/observability/metric-catalog';
import type { Exchange } from '../../ports/exchange';
import type { KillSwitch } from '../../ports/kill-switch';
import type { Logger } from '../../ports/logger';
import type { OrderJournal } from '../../ports/state-store';
import { EmfMetrics } from './emf-metrics';
import { gatewayHealthOf, meteredExchange } from './metered-exchange';
import { meteredJournal } from './metered-journal';
import { meteredKillSwitch } from './metered-kill-switch';

interface TradingPorts {
  readonly exchange: Exchange;
  readonly killSwitch: KillSwitch;
  readonly journal: OrderJournal;
  readonly log: Logger;
}

export function meteredTradingPorts<D extends TradingPorts>(
  deps: D,
  environment: string,
  role: Extract<ProcessRole, 'stage3' | 'stage4'>,
): D & { readonly metrics: EmfMetrics } {
  const metrics = new EmfMetrics(environment, role, deps.log);
  return {
    ...deps,
    exchange: meteredExchange(deps.exchange, metrics, gatewayHealthOf(deps.exchange)),
    killSwitch: meteredKillSwitch(deps.killSwitch, metrics),
    journal: meteredJournal(deps.journal, metrics),
    metrics,
  };
}
