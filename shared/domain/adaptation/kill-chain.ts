// The stage 7 kill chain (spec 4.17): consecutive failed cycles are counted; at
// KILL_CHAIN_MAX_CONSECUTIVE_ERRORS the stored kill switch is set with reason `kill_chain:{ErrorType}` and an
// optional expiry. A successful cycle with a healthy API resets the count; a successful cycle with a degraded
// API leaves it as it is. Pure: the caller stores the count and the kill switch (one op-state write).
import { ValidationError, type ValidationIssue } from '../errors';
import type { StoredKillSwitch } from '../escalation';

export interface KillChainSettings {
  /** Failures in a row that set the stored kill switch (>= 1) */
  readonly KILL_CHAIN_MAX_CONSECUTIVE_ERRORS: number;
  /** Expiry of the kill switch the chain sets; 0 = until the operator clears it */
  readonly KILL_CHAIN_COOLDOWN_SECONDS: number;
}

/** How a cycle ended */
export type CycleOutcome =
  | { readonly kind: 'failed'; readonly errorType: string }
  | { readonly kind: 'succeeded'; readonly apiHealthy: boolean };

/** The stored kill switch the chain sets; `expiresAtMs` only with a cooldown */
export interface KillChainKillSwitch extends StoredKillSwitch {
  readonly reason: `kill_chain:${string}`;
  readonly expiresAtMs?: number;
}

export interface KillChainStep {
  /** The count to store (`critical_errors:{ROLE}`) */
  readonly consecutiveErrors: number;
  /** Set when the count reached the threshold; the caller keeps an already-set switch as it is */
  readonly killSwitch?: KillChainKillSwitch;
}

/** Letters, digits and `_` only (others become `_`), at most 64 characters, never empty */
export function sanitizeErrorType(errorType: string): string {
  const clean = errorType.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 64);
  return clean.length > 0 ? clean : 'Error';
}

/** The error's class name for the reason (Python's `type(exc).__name__`); a thrown non-Error is `NonErrorThrown` */
export const errorTypeOf = (error: unknown): string =>
  sanitizeErrorType(error instanceof Error ? error.name || error.constructor.name : 'NonErrorThrown');

/**
 * One cycle through the kill chain.
 * @throws ValidationError a negative or fractional stored count, a bad `nowMs`, settings out of range
 */
export function killChainStep(
  storedErrors: number,
  outcome: CycleOutcome,
  nowMs: number,
  settings: KillChainSettings,
): KillChainStep {
  assertInputs(storedErrors, nowMs, settings);
  if (outcome.kind === 'succeeded') return { consecutiveErrors: outcome.apiHealthy ? 0 : storedErrors };
  const consecutiveErrors = storedErrors + 1;
  if (consecutiveErrors < settings.KILL_CHAIN_MAX_CONSECUTIVE_ERRORS) return { consecutiveErrors };
  const cooldownMs = settings.KILL_CHAIN_COOLDOWN_SECONDS * 1000;
  const killSwitch: KillChainKillSwitch = {
    on: true,
    reason: `kill_chain:${sanitizeErrorType(outcome.errorType)}`,
    sinceMs: nowMs,
    ...(cooldownMs > 0 ? { expiresAtMs: nowMs + cooldownMs } : {}),
  };
  return { consecutiveErrors, killSwitch };
}

function assertInputs(storedErrors: number, nowMs: number, s: KillChainSettings): void {
  const issues: ValidationIssue[] = [];
  if (!Number.isSafeInteger(storedErrors) || storedErrors < 0)
    issues.push({ path: 'storedErrors', message: `expected an integer >= 0, was ${storedErrors}` });
  if (!Number.isSafeInteger(nowMs) || nowMs < 0)
    issues.push({ path: 'nowMs', message: `expected epoch ms, was ${nowMs}` });
  if (!Number.isSafeInteger(s.KILL_CHAIN_MAX_CONSECUTIVE_ERRORS) || s.KILL_CHAIN_MAX_CONSECUTIVE_ERRORS < 1)
    issues.push({
      path: 'KILL_CHAIN_MAX_CONSECUTIVE_ERRORS',
      message: `expected an integer >= 1, was ${s.KILL_CHAIN_MAX_CONSECUTIVE_ERRORS}`,
    });
  if (!Number.isSafeInteger(s.KILL_CHAIN_COOLDOWN_SECONDS) || s.KILL_CHAIN_COOLDOWN_SECONDS < 0)
    issues.push({
      path: 'KILL_CHAIN_COOLDOWN_SECONDS',
      message: `expected an integer >= 0, was ${s.KILL_CHAIN_COOLDOWN_SECONDS}`,
    });
  if (issues.length > 0) throw new ValidationError('stage 7 kill chain step', issues);
}
