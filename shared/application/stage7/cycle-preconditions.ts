// Spec 4.1: stage 7 simulates only. It refuses a run that is not dry-run and, whatever DRY_RUN says, an
// environment armed for live trading (LIVE_TRADING with its acknowledgement): a typed error, never a cycle.
import { TradingError } from '../../domain/errors';
import type { Stage7CycleSettings } from './stage7-settings';

export const STAGE7_REQUIRES_DRY_RUN = 'stage7-run requires --dry-run';
export const STAGE7_DISABLED = 'stage7-run is disabled; set STAGE7_ENABLED=true to run';

/** Stage 7 was asked to run where it could trade live, or without DRY_RUN, or while disabled */
export class Stage7RefusedError extends TradingError {
  constructor(readonly reason: 'live_armed' | 'not_dry_run' | 'disabled') {
    super(
      reason === 'disabled'
        ? STAGE7_DISABLED
        : reason === 'not_dry_run'
          ? STAGE7_REQUIRES_DRY_RUN
          : 'stage7-run refuses an environment armed for live trading (LIVE_TRADING with LIVE_TRADING_ACK)',
    );
  }
}

type Preconditions = Pick<Stage7CycleSettings, 'DRY_RUN' | 'LIVE_TRADING' | 'LIVE_TRADING_ACK' | 'STAGE7_ENABLED'>;

/** @throws Stage7RefusedError live armed first (the most dangerous), then not dry-run, then disabled */
export function assertStage7Preconditions(s: Preconditions): void {
  if (s.LIVE_TRADING && s.LIVE_TRADING_ACK === 'I_UNDERSTAND') throw new Stage7RefusedError('live_armed');
  if (!s.DRY_RUN) throw new Stage7RefusedError('not_dry_run');
  if (!s.STAGE7_ENABLED) throw new Stage7RefusedError('disabled');
}

/** Spec 4.1: stage 7 runs under its own lease, apart from the trading lease of stages 3 and 4 */
export const stage7LeaseName = (account: string): string => `stage7#${account}`;
