// The configuration a stage 7 cycle reads (spec 4.1-4.17): the union of what each pure piece asks for, plus
// the arming knobs the preconditions check. The loaded Config satisfies it (tests/integration/stage7/stage7-world.ts
// passes a Config as these settings, so tsc checks it).
import type { AdaptationSettings } from '../../domain/adaptation/adaptation-model';
import type { KillChainSettings } from '../../domain/adaptation/kill-chain';
import type { Stage7MetricsSettings } from '../../domain/adaptation/stage7-metrics';
import type { Stage7ParamsSettings } from '../../domain/adaptation/stage7-params';
import type { Stage7MarketSettings } from '../../domain/market/stage7-market-simulator';
import type { Stage7UniverseSettings } from '../../domain/market/stage7-universe-input';
import type { Dec } from '../../domain/money';
import type { Stage7OmsSettings } from '../../domain/oms/stage7-oms';
import type { Stage7OrderBuilderSettings } from '../../domain/oms/stage7-order-builder';
import type { Stage7PortfolioSettings } from '../../domain/portfolio/stage7-portfolio-policy';
import type { Stage7RetrySettings } from '../../domain/retry-backoff';
import type { Stage7RiskBudgetSettings } from '../../domain/risk/stage7-risk-budget';
import type { Stage7RateLimitSettings } from '../../domain/token-bucket';
import type { loadRules } from '../stage3/exchange-rules-cache';

type RulesSettings = Parameters<typeof loadRules>[1];

export interface Stage7CycleSettings
  extends Stage7ParamsSettings,
    Stage7UniverseSettings,
    Stage7RiskBudgetSettings,
    Stage7PortfolioSettings,
    Stage7OrderBuilderSettings,
    Stage7MarketSettings,
    Stage7OmsSettings,
    Stage7RetrySettings,
    Stage7RateLimitSettings,
    Stage7MetricsSettings,
    AdaptationSettings,
    KillChainSettings,
    RulesSettings {
  readonly BOT_ACCOUNT: string;
  readonly SYMBOLS: readonly string[];
  readonly DRY_RUN: boolean;
  readonly LIVE_TRADING: boolean;
  readonly LIVE_TRADING_ACK: string | undefined;
  readonly KILL_SWITCH: boolean;
  readonly LEASE_TTL_SECONDS: number;
  readonly CYCLE_MAX_EVENT_AGE_SECONDS: number;
  readonly DRY_RUN_TRY_BALANCE: Dec;
  readonly STAGE7_ENABLED: boolean;
}
