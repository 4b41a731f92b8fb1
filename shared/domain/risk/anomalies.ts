// The stage 4 anomaly detector (spec 3.16 table): one event per code and severity per cycle, keyed
// `{cycleId}:{code}:{severity}` so writing a cycle's events twice stores them once. Also the fill cursor
// stall counter the detector reads, carried from cycle to cycle in the degrade state.
import { ValidationError, type ValidationIssue } from '../errors';
import type { Dec } from '../money';

export const ANOMALY_CODES = [
  'STALE_MARKET_DATA',
  'EXCHANGE_LATENCY_SPIKE',
  'ORDER_REJECT_SPIKE',
  'CLOCK_SKEW',
  'CURSOR_STALL',
  'PNL_DIVERGENCE',
  'MANUAL_OVERRIDE',
] as const;
export type AnomalyCode = (typeof ANOMALY_CODES)[number];
export type AnomalySeverity = 'WARN' | 'ERROR';

export interface AnomalyEvent {
  readonly id: string;
  readonly cycleId: string;
  readonly code: AnomalyCode;
  readonly severity: AnomalySeverity;
  /** The symbols or figures that crossed the threshold, for the audit */
  readonly detail: string;
}

export interface AnomalySettings {
  readonly STALE_MARKET_DATA_SECONDS: number;
  readonly LATENCY_SPIKE_MS: number;
  readonly REJECT_SPIKE_THRESHOLD: number;
  readonly CURSOR_STALL_CYCLES: number;
  readonly CLOCK_SKEW_SECONDS_THRESHOLD: number;
  readonly PNL_DIVERGENCE_TRY_WARN: Dec;
  readonly PNL_DIVERGENCE_TRY_ERROR: Dec;
}

export interface CycleObservation {
  /** Non-empty; may hold ':' (a scheduler cycle id does): code and severity, the event id's last two parts, never do */
  readonly cycleId: string;
  readonly nowMs: number;
  /** Symbol -> age of its market data in ms */
  readonly marketDataAgeMs: ReadonlyMap<string, number>;
  readonly cycleDurationMs: number;
  readonly rejectsThisCycle: number;
  /** Symbol -> cycles its fill cursor has not moved (see advanceCursorStalls) */
  readonly cursorStallCycles: ReadonlyMap<string, number>;
  /** The latest pnl snapshot; undefined when none is stored yet (no skew or divergence to measure) */
  readonly pnlSnapshot: { readonly timestampMs: number; readonly equityTry: Dec } | undefined;
  readonly ledgerEquityTry: Dec;
}

/** @throws ValidationError a cycle id that is empty or holds ':', a negative or fractional count or duration, an age not finite */
export function detectAnomalies(observation: CycleObservation, settings: AnomalySettings): AnomalyEvent[] {
  checkObservation(observation);
  const found: [AnomalyCode, AnomalySeverity, string][] = [];
  const stale = symbolsOver(observation.marketDataAgeMs, (age) => age > settings.STALE_MARKET_DATA_SECONDS * 1000);
  if (stale.length > 0) found.push(['STALE_MARKET_DATA', 'WARN', stale.join(',')]);
  if (observation.cycleDurationMs >= settings.LATENCY_SPIKE_MS)
    found.push(['EXCHANGE_LATENCY_SPIKE', 'WARN', `${observation.cycleDurationMs}ms`]);
  if (observation.rejectsThisCycle >= settings.REJECT_SPIKE_THRESHOLD)
    found.push(['ORDER_REJECT_SPIKE', 'WARN', `${observation.rejectsThisCycle} rejects`]);
  const stalled = symbolsOver(observation.cursorStallCycles, (cycles) => cycles >= settings.CURSOR_STALL_CYCLES);
  if (stalled.length > 0) found.push(['CURSOR_STALL', 'WARN', stalled.join(',')]);
  const snapshot = observation.pnlSnapshot;
  if (snapshot !== undefined) {
    const skewMs = Math.abs(observation.nowMs - snapshot.timestampMs);
    if (skewMs > settings.CLOCK_SKEW_SECONDS_THRESHOLD * 1000) found.push(['CLOCK_SKEW', 'WARN', `${skewMs}ms`]);
    const divergence = snapshot.equityTry.sub(observation.ledgerEquityTry).abs();
    const detail = `${divergence.toFixed()} TRY`;
    if (divergence.gte(settings.PNL_DIVERGENCE_TRY_ERROR)) found.push(['PNL_DIVERGENCE', 'ERROR', detail]);
    else if (divergence.gte(settings.PNL_DIVERGENCE_TRY_WARN)) found.push(['PNL_DIVERGENCE', 'WARN', detail]);
  }
  return found.map(([code, severity, detail]) => ({
    id: `${observation.cycleId}:${code}:${severity}`,
    cycleId: observation.cycleId,
    code,
    severity,
    detail,
  }));
}

/** Per symbol: cycles in a row its cursor has not moved; a symbol not seen this cycle is dropped */
export interface CursorStallState {
  readonly cursors: ReadonlyMap<string, string>;
  readonly stallCycles: ReadonlyMap<string, number>;
}

/** Counts one more cycle for each symbol whose cursor is where it was, 0 for a moved or new one */
export function advanceCursorStalls(
  previous: CursorStallState,
  cursors: ReadonlyMap<string, string>,
): CursorStallState {
  const stallCycles = new Map<string, number>();
  for (const [symbol, cursor] of cursors) {
    const unchanged = previous.cursors.get(symbol) === cursor;
    stallCycles.set(symbol, unchanged ? (previous.stallCycles.get(symbol) ?? 0) + 1 : 0);
  }
  return { cursors: new Map(cursors), stallCycles };
}

const symbolsOver = (values: ReadonlyMap<string, number>, over: (value: number) => boolean): string[] =>
  [...values]
    .filter(([, value]) => over(value))
    .map(([symbol]) => symbol)
    .sort();

function checkObservation(o: CycleObservation): void {
  const issues: ValidationIssue[] = [];
  if (o.cycleId.length === 0) issues.push({ path: 'cycleId', message: 'expected a non-empty cycle id' });
  const counts: [string, number][] = [
    ['cycleDurationMs', o.cycleDurationMs],
    ['rejectsThisCycle', o.rejectsThisCycle],
    ...[...o.cursorStallCycles].map(([symbol, n]): [string, number] => [`cursorStallCycles.${symbol}`, n]),
  ];
  for (const [path, n] of counts)
    if (!Number.isSafeInteger(n) || n < 0) issues.push({ path, message: `expected an integer >= 0, was ${n}` });
  for (const [symbol, age] of o.marketDataAgeMs)
    if (!Number.isFinite(age)) issues.push({ path: `marketDataAgeMs.${symbol}`, message: `expected ms, was ${age}` });
  if (issues.length > 0) throw new ValidationError('anomaly observation', issues);
}
