// Order lifecycle refresh (spec 2.11, fixed per 9.1.6): every symbol the journal has orders for is listed on
// the exchange, one openOrders request per symbol, then the symbols the caller adds: the configured ones it
// always wants, and those `more` names after seeing the first listings (issue 12: the pairs of an asset
// whose locked amount those orders do not explain). What changed is
// applied to our orders; orders of ours no longer listed are looked up once in allOrders; foreign open orders
// are imported so limits count them (step 5); an order listed nowhere for N refreshes after the grace window
// is closed with `missing_on_exchange_after_grace` (step 6). A refused write means someone else (reconcile)
// settled the order meanwhile: the order is re-read, never an error.
import {
  ConcurrentUpdateError,
  CorruptStateError,
  ExchangeRejectedError,
  ExchangeUnavailableError,
  ValidationError,
} from '../domain/errors';
import {
  externalClientOrderId,
  externalIntentKey,
  isBotClientOrderId,
  isExternalIntent,
  type StageName,
} from '../domain/ids';
import { IN_FLIGHT, journalMachine, RESTING } from '../domain/order-state';
import type { Clock } from '../ports/clock';
import type { Exchange, VenueOrder } from '../ports/exchange';
import type { JournalOrder, LeaseFence, OrderJournal } from '../ports/state-store';
import { isNoop, observationOf } from './observe-order';

export interface RefreshDeps {
  readonly journal: OrderJournal;
  readonly exchange: Exchange;
  readonly clock: Clock;
}

export interface RefreshOptions {
  /** Symbols listed even when the journal has nothing resting there (e.g. every configured one) */
  readonly symbols: readonly string[];
  /**
   * After the tracked symbols (and `symbols`) were listed: more symbols to list, given the open orders those
   * listings showed and our orders whose lock they could not show (in flight and unlisted, or on a symbol
   * whose listing failed)
   */
  readonly more?: (listed: readonly VenueOrder[], unsure: readonly JournalOrder[]) => readonly string[];
  readonly cancelGraceMs: number;
  /** An order must be this old and missed this many refreshes in a row before it is closed as missing */
  readonly missingGraceMs: number;
  readonly missingChecks: number;
  /** Who imports foreign orders, under which lease */
  readonly stage: StageName;
  readonly cycleId: string;
  readonly fence: LeaseFence;
}

export interface RefreshSummary {
  readonly updated: number;
  /** Journal keys of foreign open orders imported this refresh */
  readonly imported: readonly string[];
  /** Closed this refresh as missing on the exchange after the grace window */
  readonly closedMissing: readonly string[];
  /** Resting in our journal but found nowhere on the exchange, still within the grace: left alone */
  readonly missing: readonly string[];
  /** Listed with a status we cannot interpret: left alone */
  readonly unknownStatus: readonly string[];
  /** Venue orders our journal holds in a state that cannot follow what the venue shows (logged by the caller) */
  readonly conflicts: readonly string[];
  /** Symbols whose lookups failed; their orders were not refreshed */
  readonly failedSymbols: readonly string[];
  /** Symbols listed this refresh (failed ones included) */
  readonly listedSymbols: readonly string[];
  /** Symbols of the journal's resting and in-flight orders when the refresh began */
  readonly trackedSymbols: readonly string[];
  /** Symbols where an order of the journal changed or was imported: where new fills can be */
  readonly changedSymbols: readonly string[];
  /** The journal's resting orders after the refresh */
  readonly resting: readonly JournalOrder[];
}

/** Orders can carry a venue time slightly before our own record of them */
const HISTORY_LOOKBACK_MS = 10_000;
/**
 * An imported order was created on the venue before we first saw it (BTCTurk's creation `time` is often 0),
 * so its history is searched from up to a day before the import (spec 2.11 caps the window at 24 h)
 */
const IMPORTED_HISTORY_LOOKBACK_MS = 24 * 3600_000;

const historyStart = (o: JournalOrder): number =>
  o.createdAtMs - (isExternalIntent(o.intentKey) ? IMPORTED_HISTORY_LOOKBACK_MS : HISTORY_LOOKBACK_MS);

const matches = (order: JournalOrder, venue: VenueOrder) =>
  venue.clientOrderId === order.clientOrderId ||
  (order.exchangeOrderId !== undefined && venue.orderId === order.exchangeOrderId);

interface Tally {
  updated: number;
  imported: string[];
  closedMissing: string[];
  missing: string[];
  unknownStatus: string[];
  conflicts: string[];
  failedSymbols: string[];
  changed: Set<string>;
  listed: VenueOrder[];
  unsure: JournalOrder[];
  after: JournalOrder[];
}

export async function refreshOrders(
  deps: RefreshDeps,
  account: string,
  options: RefreshOptions,
): Promise<RefreshSummary> {
  const tracked = await deps.journal.listByStatus(account, [...RESTING, ...IN_FLIGHT]);
  const t: Tally = {
    updated: 0,
    imported: [],
    closedMissing: [],
    missing: [],
    unknownStatus: [],
    conflicts: [],
    failedSymbols: [],
    changed: new Set(),
    listed: [],
    unsure: [],
    after: [],
  };
  const done = new Set<string>();
  const list = async (symbols: readonly string[]) => {
    for (const symbol of [...new Set(symbols)].filter((s) => !done.has(s)).sort()) {
      done.add(symbol);
      const mine = tracked.filter((o) => o.symbol === symbol);
      try {
        await refreshSymbol(deps, account, symbol, mine, options, t);
      } catch (e) {
        if (!isVenueFailure(e)) throw e;
        t.failedSymbols.push(symbol);
        t.unsure.push(...mine);
        t.after.push(...mine);
      }
    }
  };
  await list([...options.symbols, ...tracked.map((o) => o.symbol)]);
  if (options.more !== undefined) await list(options.more(t.listed, t.unsure));
  const { after, changed, listed, unsure, ...summary } = t;
  return {
    ...summary,
    listedSymbols: [...done].sort(),
    trackedSymbols: [...new Set(tracked.map((o) => o.symbol))].sort(),
    changedSymbols: [...changed].sort(),
    resting: after.filter((o) => RESTING.has(o.status)),
  };
}

/** Only the exchange's failures skip a symbol (unreachable, refused, or an answer that fails its schema) */
/** A failure of the venue's answer; a corrupt journal item is ours and stops the refresh instead */
const isVenueFailure = (e: unknown) =>
  e instanceof ExchangeUnavailableError ||
  e instanceof ExchangeRejectedError ||
  (e instanceof ValidationError && !(e instanceof CorruptStateError));

async function refreshSymbol(
  deps: RefreshDeps,
  account: string,
  symbol: string,
  mine: readonly JournalOrder[],
  options: RefreshOptions,
  t: Tally,
): Promise<void> {
  const open = await deps.exchange.openOrders(symbol);
  t.listed.push(...open);
  t.unsure.push(...mine.filter((o) => IN_FLIGHT.has(o.status) && !open.some((v) => matches(o, v))));
  const unlisted = mine.filter((o) => RESTING.has(o.status) && !open.some((v) => matches(o, v)));
  const history =
    unlisted.length > 0 ? await deps.exchange.allOrders(symbol, Math.min(...unlisted.map(historyStart))) : [];
  for (const venue of open.filter((v) => !mine.some((o) => matches(o, v)))) {
    await adoptUnmatched(deps, account, venue, options, t);
  }
  for (const order of mine) {
    const venue = open.find((v) => matches(order, v)) ?? history.find((v) => matches(order, v));
    if (venue !== undefined) {
      t.after.push(await applyObserved(deps, order, venue, options, t));
    } else if (RESTING.has(order.status)) {
      t.after.push(await missingOnVenue(deps, order, options, t));
    } else {
      t.after.push(order); // in flight and not listed open: the reconcile path decides absence
    }
  }
}

/** Applies what the venue shows to one of our orders; a refused write re-reads the order instead */
async function applyObserved(
  deps: RefreshDeps,
  order: JournalOrder,
  venue: VenueOrder,
  options: RefreshOptions,
  t: Tally,
): Promise<JournalOrder> {
  const obs = observationOf(venue);
  if (obs === undefined) {
    t.unknownStatus.push(order.clientOrderId);
    return order;
  }
  const now = deps.clock.nowMs();
  const cancelInFlight = order.status === 'CANCEL_REQUESTED' && now - order.updatedAtMs < options.cancelGraceMs;
  if (cancelInFlight && (venue.status === 'OPEN' || venue.status === 'PARTIAL')) return order;
  if (!journalMachine.can(order.status, obs.event)) {
    t.conflicts.push(order.clientOrderId);
    return order;
  }
  if (isNoop(order, obs, journalMachine.next(order.status, obs.event))) return order;
  return orReread(deps, order, t, async () => {
    const next = await deps.journal.transition(order, obs.event, obs.patch, now);
    t.updated += 1;
    t.changed.add(order.symbol);
    return next;
  });
}

/** A resting order listed nowhere: counted, and closed once it has been missing long enough */
async function missingOnVenue(
  deps: RefreshDeps,
  order: JournalOrder,
  options: RefreshOptions,
  t: Tally,
): Promise<JournalOrder> {
  const now = deps.clock.nowMs();
  const checks = order.notFoundChecks + 1;
  return orReread(deps, order, t, async () => {
    if (now - order.createdAtMs >= options.missingGraceMs && checks >= options.missingChecks) {
      const closed = await deps.journal.transition(
        order,
        'VANISHED',
        { notFoundChecks: checks, lastError: 'missing_on_exchange_after_grace' },
        now,
      );
      t.closedMissing.push(order.clientOrderId);
      t.changed.add(order.symbol);
      return closed;
    }
    t.missing.push(order.clientOrderId);
    return deps.journal.update(order, { notFoundChecks: checks }, now);
  });
}

/**
 * Runs a journal write; when someone else wrote the order first (it changed, so its symbol may have new
 * fills), @returns the order as stored now
 */
async function orReread(
  deps: RefreshDeps,
  order: JournalOrder,
  t: Tally,
  write: () => Promise<JournalOrder>,
): Promise<JournalOrder> {
  try {
    return await write();
  } catch (e) {
    if (!(e instanceof ConcurrentUpdateError)) throw e;
    t.changed.add(order.symbol);
    return (await deps.journal.get(order.account, order.clientOrderId)) ?? order;
  }
}

/**
 * An open venue order none of our tracked orders matches: one of ours in another state (adopt what the venue
 * shows if the journal may follow), an import from an earlier refresh, or a foreign order to import.
 */
async function adoptUnmatched(
  deps: RefreshDeps,
  account: string,
  venue: VenueOrder,
  options: RefreshOptions,
  t: Tally,
): Promise<void> {
  const key = isBotClientOrderId(venue.clientOrderId) ? venue.clientOrderId : externalClientOrderId(venue.orderId);
  const known = await deps.journal.get(account, key);
  if (known !== undefined) {
    const after = await applyObserved(deps, known, venue, options, t);
    if (RESTING.has(after.status)) t.after.push(after);
    return;
  }
  const obs = observationOf(venue);
  if (obs === undefined) {
    t.unknownStatus.push(key);
    return;
  }
  const now = deps.clock.nowMs();
  const { created, order } = await deps.journal.create(
    {
      account,
      clientOrderId: externalClientOrderId(venue.orderId),
      stage: options.stage,
      symbol: venue.symbol,
      side: venue.side,
      price: venue.price,
      qty: venue.qty,
      intentKey: externalIntentKey(venue.orderId),
      attempt: 0,
      cycleId: options.cycleId,
      createdAtMs: now,
    },
    options.fence,
    now,
  );
  const imported = created ? await deps.journal.transition(order, obs.event, obs.patch, now) : order;
  if (created) {
    t.imported.push(imported.clientOrderId);
    t.changed.add(imported.symbol);
  }
  t.after.push(imported);
}
