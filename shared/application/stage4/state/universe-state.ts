// The dynamic universe's state (spec 3.3): per-symbol timers and 1123 counts, the price cache of mids per
// history bucket (universe_price_cache), and the selection in force with its refresh time and the day's
// churn count (the latest dynamic_universe_cycles row). One document, read by every cycle.
//
// Bounded by applyUniverseOutcome, the only way a cycle changes it:
// - mids older than 24 h + UNIVERSE_HISTORY_TOLERANCE_MINUTES are dropped: mid24hAgo never accepts one
//   again, its target only moves forward. Mids are observed on refreshes only, one per bucket, so a symbol
//   keeps at most (24 h + tolerance) / max(bucket, refresh interval) + 1 of them (25 at the defaults);
//   knobs that would keep more are thinned to one per slot of (24 h + tolerance) / MAX_MIDS_PER_SYMBOL,
//   still far inside the lookup's tolerance. At the defaults (50 symbols scanned) that is ~35 KB of JSON.
// - a symbol state is dropped once nothing in it can act (no cooldown or probation running, its reject
//   window over) unless the symbol is in the selection: states never accumulate for delisted pairs.
import * as z from 'zod';
import { DAY_MS } from '../../../domain/ledger/ledger-state';
import type { UniverseOutcome } from '../../../domain/market/universe';
import type { PreviousUniverse, UniverseSettings, UniverseSymbolState } from '../../../domain/market/universe-input';
import type { UniverseMidPoint } from '../../../domain/market/universe-metrics';
import { compareSymbols } from '../../../domain/market/universe-scan';
import type { DocumentStore } from '../../../ports/state-store';
import { CanonicalPairSchema } from '../../parse-input';
import {
  count,
  defined,
  epochMs,
  loadDocument,
  plain,
  positiveDecimal,
  type Stage4DocumentCodec,
  saveDocument,
} from './stage4-document';

const MINUTE_MS = 60_000;
export const MAX_MIDS_PER_SYMBOL = 100;

export interface UniverseState {
  /** By symbol */
  readonly symbolStates: readonly UniverseSymbolState[];
  /** By symbol, then bucket start */
  readonly midHistory: readonly UniverseMidPoint[];
  readonly previous: PreviousUniverse | undefined;
}

export const INITIAL_UNIVERSE_STATE: UniverseState = { symbolStates: [], midHistory: [], previous: undefined };

export type UniverseStateSettings = Pick<
  UniverseSettings,
  'UNIVERSE_HISTORY_BUCKET_MINUTES' | 'UNIVERSE_HISTORY_TOLERANCE_MINUTES' | 'UNIVERSE_REJECT_WINDOW_MINUTES'
>;

/** The state after a cycle's selection: its state updates and mids merged, the selection stored, pruned */
export function applyUniverseOutcome(
  state: UniverseState,
  outcome: UniverseOutcome,
  nowMs: number,
  s: UniverseStateSettings,
): UniverseState {
  const previous: PreviousUniverse = {
    symbols: outcome.symbols,
    // a reused selection keeps the time it was chosen, else it would never age into a refresh
    refreshedAtMs: outcome.refreshed || state.previous === undefined ? nowMs : state.previous.refreshedAtMs,
    changesDayStartMs: outcome.changesDayStartMs,
    changesToday: outcome.changesToday,
  };
  const selected = new Set(outcome.symbols);
  const states = new Map(state.symbolStates.map((st) => [st.symbol, st]));
  for (const st of outcome.stateUpdates) states.set(st.symbol, st);
  const symbolStates = [...states.values()]
    .filter((st) => selected.has(st.symbol) || canAct(st, nowMs, s))
    .sort((a, b) => compareSymbols(a.symbol, b.symbol));
  return { symbolStates, midHistory: keptMids(state.midHistory, outcome.midObservations, nowMs, s), previous };
}

function canAct(st: UniverseSymbolState, nowMs: number, s: UniverseStateSettings): boolean {
  const running = (untilMs: number | undefined) => untilMs !== undefined && untilMs > nowMs;
  const windowOpen =
    st.rejectWindowStartMs !== undefined &&
    nowMs - st.rejectWindowStartMs < s.UNIVERSE_REJECT_WINDOW_MINUTES * MINUTE_MS;
  return running(st.cooldownUntilMs) || running(st.probationUntilMs) || windowOpen;
}

function keptMids(
  history: readonly UniverseMidPoint[],
  observed: readonly UniverseMidPoint[],
  nowMs: number,
  s: UniverseStateSettings,
): UniverseMidPoint[] {
  const windowMs = DAY_MS + s.UNIVERSE_HISTORY_TOLERANCE_MINUTES * MINUTE_MS;
  const bySymbol = new Map<string, Map<number, UniverseMidPoint>>();
  // a later observation of the same bucket replaces the stored one
  for (const p of [...history, ...observed]) {
    if (p.atMs < nowMs - windowMs) continue;
    const points = bySymbol.get(p.symbol) ?? new Map<number, UniverseMidPoint>();
    points.set(p.atMs, p);
    bySymbol.set(p.symbol, points);
  }
  return [...bySymbol.keys()].sort(compareSymbols).flatMap((symbol) => {
    const points = [...(bySymbol.get(symbol)?.values() ?? [])].sort((a, b) => a.atMs - b.atMs);
    return thinned(points, windowMs);
  });
}

/** At most one mid per slot (the newest) once a symbol holds more than MAX_MIDS_PER_SYMBOL */
function thinned(points: UniverseMidPoint[], windowMs: number): UniverseMidPoint[] {
  if (points.length <= MAX_MIDS_PER_SYMBOL) return points;
  const slotMs = Math.ceil(windowMs / MAX_MIDS_PER_SYMBOL);
  const bySlot = new Map<number, UniverseMidPoint>();
  for (const p of points) bySlot.set(Math.floor(p.atMs / slotMs), p);
  return [...bySlot.values()];
}

// ---------------------------------------------------------------- codec

const symbolState = z.strictObject({
  lastSelectedMs: epochMs.optional(),
  probationUntilMs: epochMs.optional(),
  cooldownUntilMs: epochMs.optional(),
  rejectWindowStartMs: epochMs.optional(),
  rejects1123: count,
});

const mids = z
  .array(z.tuple([epochMs, positiveDecimal]))
  .refine((points) => points.every(([atMs], i) => i === 0 || atMs > (points[i - 1]?.[0] ?? 0)), {
    error: 'expected bucket starts in increasing order, each once',
  });

const selection = z
  .strictObject({
    symbols: z.array(CanonicalPairSchema).refine((symbols) => new Set(symbols).size === symbols.length, {
      error: 'expected each symbol once',
    }),
    refreshedAtMs: epochMs,
    changesDayStartMs: epochMs.refine((ms) => ms % DAY_MS === 0, {
      error: (i) => `expected a UTC midnight in ms, was ${i.input}`,
    }),
    changesToday: count,
  })
  .nullable();

const schema = z
  .strictObject({
    symbols: z.record(CanonicalPairSchema, symbolState),
    mids: z.record(CanonicalPairSchema, mids),
    selection,
  })
  .transform(
    (s): UniverseState => ({
      symbolStates: Object.entries(s.symbols)
        .sort(([a], [b]) => compareSymbols(a, b))
        .map(([symbol, st]) => ({ symbol, ...st })),
      midHistory: Object.entries(s.mids)
        .sort(([a], [b]) => compareSymbols(a, b))
        .flatMap(([symbol, points]) => points.map(([atMs, mid]) => ({ symbol, atMs, mid }))),
      previous: s.selection ?? undefined,
    }),
  );

export const universeStateCodec: Stage4DocumentCodec<UniverseState> = {
  name: 'universe',
  schema,
  encode: (s) => {
    const mids = new Map<string, [number, string][]>();
    for (const p of s.midHistory) {
      const points = mids.get(p.symbol) ?? [];
      points.push([p.atMs, plain(p.mid)]);
      mids.set(p.symbol, points);
    }
    return {
      symbols: Object.fromEntries(
        s.symbolStates.map(({ symbol, ...st }) => [
          symbol,
          defined({
            lastSelectedMs: st.lastSelectedMs,
            probationUntilMs: st.probationUntilMs,
            cooldownUntilMs: st.cooldownUntilMs,
            rejectWindowStartMs: st.rejectWindowStartMs,
            rejects1123: st.rejects1123,
          }),
        ]),
      ),
      mids: Object.fromEntries(mids),
      selection:
        s.previous === undefined
          ? null
          : {
              symbols: s.previous.symbols,
              refreshedAtMs: s.previous.refreshedAtMs,
              changesDayStartMs: s.previous.changesDayStartMs,
              changesToday: s.previous.changesToday,
            },
    };
  },
  initial: INITIAL_UNIVERSE_STATE,
};

export const loadUniverseState = (documents: DocumentStore, account: string) =>
  loadDocument(documents, account, universeStateCodec);

export const saveUniverseState = (documents: DocumentStore, account: string, state: UniverseState, version: number) =>
  saveDocument(documents, account, universeStateCodec, state, version);
