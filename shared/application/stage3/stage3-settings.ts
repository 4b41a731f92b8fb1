// The configuration a stage 3 cycle reads (names as in spec section 1; the loaded Config satisfies it)
import type { ArmingSettings } from '../../domain/arming';
import type { EscalationSettings } from '../../domain/escalation';
import type { Dec } from '../../domain/money';

export interface Stage3Settings extends ArmingSettings, EscalationSettings {
  readonly BOT_ACCOUNT: string;
  readonly SYMBOLS: readonly string[];
  readonly LEASE_TTL_SECONDS: number;
  readonly CYCLE_MAX_EVENT_AGE_SECONDS: number;
  readonly MAX_MARKET_DATA_AGE_MS: number;
  readonly TTL_SECONDS: number;
  readonly MIN_PROFIT_BPS: Dec;
  /** Take profit on the whole position when a quarter of it is below the venue's minimum notional */
  readonly STAGE3_TAKE_PROFIT_WHOLE_BELOW_MIN: boolean;
  readonly TRY_CASH_TARGET: Dec;
  readonly DRY_RUN_TRY_BALANCE: Dec;
  readonly MAX_ORDERS_PER_CYCLE: number;
  readonly MAX_OPEN_ORDERS_PER_SYMBOL: number;
  readonly COOLDOWN_SECONDS: number;
  readonly MAX_NOTIONAL_PER_ORDER_TRY: Dec;
  readonly NOTIONAL_CAP_TRY_PER_CYCLE: Dec;
  readonly MIN_ORDER_NOTIONAL_TRY: Dec;
  readonly STAGE7_RULES_SAFE_MIN_NOTIONAL_TRY: Dec;
  readonly EXECUTION_FALLBACK_MIN_NOTIONAL_TRY: Dec;
  readonly FILLS_POLL_LOOKBACK_MINUTES: number;
  /** Open orders and fills of every configured symbol are listed at least this often (issue 12) */
  readonly FULL_LISTING_PERIOD_SECONDS: number;
  /** The live balance precheck (spec 2.8 step 3) */
  readonly EXECUTION_ESTIMATED_FEE_BPS: Dec;
  readonly EXECUTION_BALANCE_SAFETY_BUFFER_RATIO: Dec;
  readonly EXECUTION_SELL_FEE_IN_BASE_BPS: Dec;
  readonly SPOT_SELL_REQUIRES_INVENTORY: boolean;
}
