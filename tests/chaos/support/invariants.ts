// The safety invariants a chaos schedule must end with, judged against the simulator's OWN books (the
// engine's orders and fills: what the venue holds), never against what the gateway reports. Each broken
// rule is a named violation kind; a schedule may break several.

import { isOpen, type SimOrder } from '../../../local/btcturk-sim/orders';
import type { ReplaceTransaction } from '../../../shared/domain/oms/replace-transaction';
import { JOURNAL_STATUSES, type JournalStatus } from '../../../shared/domain/order-state';
import type { JournalOrder } from '../../../shared/ports/state-store';
import { CHAOS_SYMBOLS, type ChaosWorld, KILL_SWITCH_WINDOW_MS } from './chaos-world';

export const VIOLATION_KINDS = [
  'duplicate_intent',
  'unjournaled',
  'status_mismatch',
  'lost_fill',
  'phantom_fill',
  'write_while_gate_closed',
  'write_after_takeover',
  'no_termination',
  'replace_left_open',
  'in_flight_after_drain',
  'foreign_not_imported',
  'vanished_left_open',
  'cycle_crashed',
  'final_cycle_failed',
  'scale_rejection',
  'two_resting_in_replace_group',
] as const;

export type ViolationKind = (typeof VIOLATION_KINDS)[number];

export interface Violation {
  readonly kind: ViolationKind;
  readonly detail: string;
}

/** An order the venue stopped listing: gone from the engine's books, kept here for its lifetime */
export interface VanishedOrder {
  readonly order: SimOrder;
  readonly clientId: string;
  readonly journalStatus: JournalStatus | undefined;
}

/** What the schedule did that the checks need to know */
export interface ScheduleFacts {
  /** Venue ids of orders someone else placed on the account */
  readonly foreign: ReadonlySet<number>;
  /** Venue ids of orders the venue stopped listing, with the journal status the order had at that moment */
  readonly vanished: ReadonlyMap<number, VanishedOrder>;
  /** The request during which the kill switch went on, and the first request after it went off again */
  readonly killSwitch?: { readonly onSeq: number; readonly onAtMs: number; readonly offSeq: number };
  /**
   * Venue requests (seq after `from`, up to `to`) made while a stalled stage 4 invocation went on after
   * another had taken its lease over; no other writer runs then (reconcile only reads the venue)
   */
  readonly stale: readonly { readonly from: number; readonly to: number }[];
  /** Server time of the final look: venue changes after it cannot be expected in the journal */
  readonly observedAtServerMs: number;
}

const ACCOUNT = 'default';

/** BTCTurk status of each journal status that says the order is on the venue */
const VENUE_STATUS: Partial<Record<JournalStatus, SimOrder['status']>> = {
  OPEN: 'Untouched',
  PARTIAL: 'Partial',
  FILLED: 'Closed',
  CANCELED: 'Canceled',
};

const isOrderWrite = (method: string, url: string) =>
  (method === 'POST' || method === 'DELETE') && url.startsWith('/api/v1/order');

// stage 4 still cancels under the kill switch (spec 3.17, KILL_SWITCH_FREEZE_ALL off): only its submits count
const isGatedWrite = (w: ChaosWorld, method: string, url: string) =>
  isOrderWrite(method, url) && (method === 'POST' || w.stage === 'stage3');

export async function journalOf(w: ChaosWorld): Promise<JournalOrder[]> {
  return w.stores.journal.listByStatus(ACCOUNT, JOURNAL_STATUSES);
}

export async function checkInvariants(w: ChaosWorld, facts: ScheduleFacts): Promise<Violation[]> {
  const out: Violation[] = [];
  const add = (kind: ViolationKind, detail: string) => out.push({ kind, detail });
  const journal = await journalOf(w);
  const byClient = new Map(journal.map((j) => [j.clientOrderId, j]));
  const byVenueId = new Map(journal.filter((j) => j.exchangeOrderId).map((j) => [j.exchangeOrderId, j]));
  const { engine } = w.sim.venue;
  const venueOrders = [...engine.orders.values()];
  const botOrders = venueOrders.filter((v) => !facts.foreign.has(v.id));
  const journalOfVenue = (v: SimOrder) => byClient.get(v.clientId) ?? byVenueId.get(String(v.id));

  // duplicate_intent / unjournaled: one venue order per client id and per intent, and every one journaled
  const perClient = new Map<string, number[]>();
  const perIntent = new Map<string, number[]>();
  for (const v of botOrders) {
    perClient.set(v.clientId, [...(perClient.get(v.clientId) ?? []), v.id]);
    const j = journalOfVenue(v);
    if (!j) {
      add('unjournaled', `venue order ${v.id} ${v.pair.symbol} client id ${v.clientId} is not in the journal`);
      continue;
    }
    perIntent.set(j.intentKey, [...(perIntent.get(j.intentKey) ?? []), v.id]);
  }
  for (const [clientId, ids] of perClient) {
    if (ids.length > 1) add('duplicate_intent', `client id ${clientId} placed ${ids.length} times (${ids.join(',')})`);
  }
  for (const [intent, ids] of perIntent) {
    const clientIds = new Set(ids.map((id) => engine.orders.get(id)?.clientId));
    if (ids.length > 1 && clientIds.size > 1) {
      add('duplicate_intent', `intent ${intent.slice(0, 16)} has ${ids.length} venue orders (${ids.join(',')})`);
    }
  }

  // status_mismatch / in_flight_after_drain: the journal says what the venue holds
  const vanishedIds = new Set([...facts.vanished.keys()].map(String));
  const vanishedClients = new Set([...facts.vanished.values()].map((x) => x.clientId));
  for (const j of journal) {
    if (j.status === 'PENDING_SUBMIT' || j.status === 'UNKNOWN') {
      add('in_flight_after_drain', `${j.clientOrderId} ${j.symbol} still ${j.status}`);
      continue;
    }
    const v = j.exchangeOrderId
      ? engine.orders.get(Number(j.exchangeOrderId))
      : venueOrders.find((o) => o.clientId === j.clientOrderId && !facts.foreign.has(o.id));
    // an order the venue stopped listing is judged by vanished_left_open alone
    if (vanishedClients.has(j.clientOrderId) || (j.exchangeOrderId && vanishedIds.has(j.exchangeOrderId))) continue;
    if (j.status === 'CANCEL_REQUESTED') {
      add('status_mismatch', `${j.clientOrderId} still CANCEL_REQUESTED (venue ${v?.status ?? 'none'})`);
      continue;
    }
    if (j.status === 'FAILED' || j.status === 'REJECTED') {
      if (v)
        add(
          'status_mismatch',
          `${j.clientOrderId} ${j.status} (${j.lastError ?? ''}) but venue order ${v.id} is ${v.status}`,
        );
      continue;
    }
    if (!v) {
      add('status_mismatch', `${j.clientOrderId} ${j.status} but no venue order ${j.exchangeOrderId ?? ''}`);
      continue;
    }
    if (v.updateMs > facts.observedAtServerMs) continue;
    const filled = v.quantity.sub(v.left);
    if (VENUE_STATUS[j.status] !== v.status || !filled.eq(j.filledQty)) {
      add(
        'status_mismatch',
        `${j.clientOrderId} journal ${j.status} filled ${j.filledQty.toFixed()} vs venue ${v.id} ${v.status} filled ${filled.toFixed()}`,
      );
    }
  }

  // lost_fill: every fill of a bot order, stored exactly once
  const stored = new Map<string, number>();
  for (const symbol of CHAOS_SYMBOLS) {
    for (const f of await w.stores.fills.list(ACCOUNT, symbol, 0))
      stored.set(f.tradeId, (stored.get(f.tradeId) ?? 0) + 1);
  }
  for (const f of engine.fills) {
    if (facts.foreign.has(f.order.id) || f.timeMs > facts.observedAtServerMs) continue;
    const n = stored.get(String(f.id)) ?? 0;
    if (n !== 1) add('lost_fill', `trade ${f.id} of order ${f.order.id} (${f.order.clientId}) stored ${n} times`);
  }

  // phantom_fill: nothing in the fill store that the venue never traded
  const traded = new Set(engine.fills.map((f) => String(f.id)));
  for (const tradeId of stored.keys()) {
    if (!traded.has(tradeId)) add('phantom_fill', `stored trade ${tradeId} is not a venue fill`);
  }

  // write_while_gate_closed: nothing written after the kill switch went on (plus its cache window)
  const ks = facts.killSwitch;
  if (ks) {
    for (const r of w.received) {
      if (!isGatedWrite(w, r.method, r.url) || r.seq <= ks.onSeq || r.seq >= ks.offSeq) continue;
      if (r.atMs < ks.onAtMs + KILL_SWITCH_WINDOW_MS) continue;
      add(
        'write_while_gate_closed',
        `${r.method} ${r.url} (request ${r.seq}) after the kill switch (request ${ks.onSeq})`,
      );
    }
  }

  // write_after_takeover: an invocation that lost its lease sends nothing more (its journal writes are
  // fenced, and the write gate re-reads the lease before every send)
  for (const { from, to } of facts.stale) {
    for (const r of w.received) {
      if (r.seq <= from || r.seq > to || !isOrderWrite(r.method, r.url)) continue;
      add(
        'write_after_takeover',
        `${r.method} ${r.url} (request ${r.seq}) by an invocation whose lease was taken over`,
      );
    }
  }

  // foreign_not_imported: an order someone else placed that rests on the venue at the final look (fault
  // free, so its refresh succeeded) is in the journal; one that filled before any look need not be
  for (const id of facts.foreign) {
    const v = engine.orders.get(id);
    if (!v || !(v.status === 'Untouched' || v.status === 'Partial') || byVenueId.has(String(id))) continue;
    add('foreign_not_imported', `foreign venue order ${id} (${v.status}) is not in the journal`);
  }

  // vanished_left_open: an order the venue stopped listing ends closed; closed without fill evidence
  // (CANCELED, FAILED) it carries the reason
  for (const [id, { clientId, journalStatus }] of facts.vanished) {
    const j = byClient.get(clientId) ?? byVenueId.get(String(id));
    if (!j) continue;
    const open = ['OPEN', 'PARTIAL', 'CANCEL_REQUESTED', 'PENDING_SUBMIT', 'UNKNOWN'].includes(j.status);
    if (open) add('vanished_left_open', `vanished ${id} (${clientId}) still ${j.status}`);
    else if (j.status !== journalStatus && j.status !== 'FILLED' && !j.lastError) {
      add('vanished_left_open', `vanished ${id} (${clientId}) closed ${j.status} without a reason`);
    }
  }

  out.push(...replaceGroupViolations(w, facts.vanished, journal));

  // scale_rejection: every chaos order is valid for its pair, so the venue never refuses one for its scale
  for (const j of journal) {
    if (j.status === 'REJECTED' && /SCALE/i.test(j.lastError ?? '')) {
      add(
        'scale_rejection',
        `${j.clientOrderId} ${j.symbol} ${j.price.toFixed()} x ${j.qty.toFixed()}: ${j.lastError}`,
      );
    }
  }
  return out;
}

/**
 * two_resting_in_replace_group: a replace group (a transaction's old orders and every attempt at its
 * replacement, the journal entries under its new client order id) never has its replacement resting at the
 * venue while another order of the group rests. Judged on each venue order's whole resting lifetime, from
 * its creation to the settlement of its cancel or its last fill (server time), so an overlap between two
 * looks, e.g. a replacement placed while the old order's cancel was accepted but not yet settled, counts
 * too. Old orders resting side by side are no replace's doing: they rested so before the group was formed.
 */
export function replaceGroupViolations(
  w: ChaosWorld,
  vanished: ReadonlyMap<number, VanishedOrder>,
  journal: readonly JournalOrder[],
): Violation[] {
  const orders = [...w.sim.venue.engine.orders.values(), ...[...vanished.values()].map((x) => x.order)];
  const out: Violation[] = [];
  for (const tx of w.replaces.transactions) {
    const members = groupMembers(tx, journal, orders);
    const replacements = members.filter((m) => m.replacement);
    for (const r of replacements) {
      for (const other of members) {
        if (other === r || (other.replacement && other.order.id < r.order.id)) continue;
        const from = Math.max(r.order.createdMs, other.order.createdMs);
        const to = Math.min(restingUntil(r.order), restingUntil(other.order));
        if (from >= to) continue;
        out.push({
          kind: 'two_resting_in_replace_group',
          detail:
            `${tx.id} (${tx.state}) ${tx.symbol} ${tx.side}: replacement ${describe(r.order)} and ` +
            `${other.replacement ? 'replacement' : 'old'} ${describe(other.order)} both rested from ${from}`,
        });
      }
    }
  }
  return out;
}

interface GroupMember {
  readonly order: SimOrder;
  readonly replacement: boolean;
}

function groupMembers(tx: ReplaceTransaction, journal: readonly JournalOrder[], orders: readonly SimOrder[]) {
  const oldIds = new Set(tx.oldClientOrderIds);
  const attempts = journal.filter((j) => j.intentKey === tx.newClientOrderId);
  const newIds = new Set([tx.newClientOrderId, ...attempts.map((j) => j.clientOrderId)]);
  const venueIdsOf = (ids: ReadonlySet<string>) =>
    new Set(journal.filter((j) => ids.has(j.clientOrderId) && j.exchangeOrderId).map((j) => j.exchangeOrderId));
  const oldVenueIds = venueIdsOf(oldIds);
  const newVenueIds = venueIdsOf(newIds);
  const members: GroupMember[] = [];
  for (const order of orders) {
    const venueId = String(order.id);
    if (newIds.has(order.clientId) || newVenueIds.has(venueId)) members.push({ order, replacement: true });
    else if (oldIds.has(order.clientId) || oldVenueIds.has(venueId)) members.push({ order, replacement: false });
  }
  return members;
}

/** When the order stopped resting: its last update once closed or canceled, never while it rests */
const restingUntil = (o: SimOrder): number => (isOpen(o) ? Number.POSITIVE_INFINITY : o.updateMs);

const describe = (o: SimOrder): string =>
  `${o.id} ${o.clientId} (${o.status}, ${o.createdMs}-${isOpen(o) ? 'open' : o.updateMs})`;
