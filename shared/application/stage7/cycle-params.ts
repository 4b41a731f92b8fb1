// Spec 4.2 step 1 and 4.3: the active params (version 1 from the settings when none is stored, written with
// a good checkpoint in the cycle's one transaction) and the runtime settings they override.
import type { ParamsCheckpoint } from '../../domain/adaptation/adaptation-model';
import { initialParams, type Stage7Params } from '../../domain/adaptation/stage7-params';
import { withActiveParams } from '../../domain/market/stage7-universe-input';
import type { Stage7ParamsState, Stage7ParamsWrite } from '../../ports/stage7-store';
import type { Stage7CycleSettings } from './stage7-settings';

export interface ActiveParams {
  readonly params: Stage7Params;
  /** Version 1's first write (active row and good checkpoint) when none was stored */
  readonly initialWrite?: Stage7ParamsWrite;
  readonly checkpoints: readonly ParamsCheckpoint[];
  /** The settings with the params' overrides (spec 4.2 step 1) */
  readonly settings: Stage7CycleSettings;
}

export function activeParams(stored: Stage7ParamsState, s: Stage7CycleSettings, nowMs: number): ActiveParams {
  const existing = stored.active.value;
  const params = existing ?? initialParams(s, nowMs);
  const checkpoint: ParamsCheckpoint = { params, isGood: true, tsMs: nowMs };
  const initialWrite: Stage7ParamsWrite | undefined = existing
    ? undefined
    : { activeParams: params, checkpoints: [checkpoint], expectedRevision: stored.active.version };
  return {
    params,
    ...(initialWrite ? { initialWrite } : {}),
    checkpoints: initialWrite ? [...stored.checkpoints, checkpoint] : stored.checkpoints,
    settings: {
      ...s,
      ...withActiveParams(s, params),
      NOTIONAL_CAP_TRY_PER_CYCLE: params.turnoverCapTry,
      MAX_ORDERS_PER_CYCLE: params.maxOrdersPerCycle,
      TRY_CASH_TARGET: params.cashTargetTry,
      STAGE7_ORDER_OFFSET_BPS: params.orderOffsetBps,
      STAGE7_UNIVERSE_SIZE: params.universeSize,
    },
  };
}
