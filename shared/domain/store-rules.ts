// Bookkeeping rules the state stores share (spec 6.5, 6.6): pure, so every backend applies them alike

export interface SymbolCooldown {
  readonly symbol: string;
  readonly windowStartSec: number;
  readonly rollingCount: number;
  readonly cooldownUntilSec?: number | undefined;
}

/** Rolling-window policy of spec 6.6 (defaults: window 60 min, threshold 3, cooldown 240 min) */
export interface SymbolRejectPolicy {
  readonly windowMinutes: number;
  readonly threshold: number;
  readonly cooldownMinutes: number;
}

/**
 * The spec 6.6 rule every SymbolCooldownStore applies: a new window (count 1) when there is none or it is
 * `windowMinutes` old, else count + 1; at `threshold` the cooldown runs `cooldownMinutes` from this reject.
 */
export function nextSymbolCooldown(
  previous: SymbolCooldown | undefined,
  symbol: string,
  nowSec: number,
  policy: SymbolRejectPolicy,
): SymbolCooldown {
  const fresh = previous === undefined || nowSec - previous.windowStartSec >= policy.windowMinutes * 60;
  const windowStartSec = fresh ? nowSec : previous.windowStartSec;
  const rollingCount = fresh ? 1 : previous.rollingCount + 1;
  const cooldownUntilSec =
    rollingCount >= policy.threshold ? nowSec + policy.cooldownMinutes * 60 : previous?.cooldownUntilSec;
  return { symbol, windowStartSec, rollingCount, cooldownUntilSec };
}

/** Spec 6.5 default dedupe key: `{actionType}:{payloadHash}:{floor(nowSec / windowSeconds)}` */
export const actionDedupeKey = (actionType: string, payloadHash: string, nowMs: number, windowSeconds: number) =>
  `${actionType}:${payloadHash}:${Math.floor(Math.floor(nowMs / 1000) / windowSeconds)}`;
