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

/**
 * The settings with the params' overrides, kept per settings and params object: both stay the same objects
 * from cycle to cycle (the memory store hands out the params it decoded once), and copying the whole
 * configuration twice per cycle showed in profiles. Neither is ever changed in place (both are readonly).
 */
const overridden = new WeakMap<Stage7CycleSettings, WeakMap<Stage7Params, Stage7CycleSettings>>();

function runtimeSettings(s: Stage7CycleSettings, params: Stage7Params): Stage7CycleSettings {
  let byParams = overridden.get(s);
  if (byParams === undefined) {
    byParams = new WeakMap();
    overridden.set(s, byParams);
  }
  let settings = byParams.get(params);
  if (settings === undefined) {
    // withActiveParams already copies `s`: copying it again first would only repeat the same members
    settings = {
      ...withActiveParams(s, params),
      NOTIONAL_CAP_TRY_PER_CYCLE: params.turnoverCapTry,
      MAX_ORDERS_PER_CYCLE: params.maxOrdersPerCycle,
      TRY_CASH_TARGET: params.cashTargetTry,
      STAGE7_ORDER_OFFSET_BPS: params.orderOffsetBps,
      STAGE7_UNIVERSE_SIZE: params.universeSize,
    };
    byParams.set(params, settings);
  }
  return settings;
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
    settings: runtimeSettings(s, params),
  };
}
