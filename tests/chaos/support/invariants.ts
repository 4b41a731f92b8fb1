// The safety invariants a chaos schedule must end with, judged against the simulator's OWN books (the
// engine's orders and fills: what the venue holds), never against what the gateway reports. Each broken
// rule is a named violation kind; a schedule may break several.

import type { SimOrder } from '../../../local/btcturk-sim/orders';
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
  'no_termination',
  'in_flight_after_drain',
  'foreign_not_imported',
  'vanished_left_open',
  'cycle_crashed',
  'final_cycle_failed',
  'scale_rejection',
] as const;

export type ViolationKind = (typeof VIOLATION_KINDS)[number];

export interface Violation {
  readonly kind: ViolationKind;
  readonly detail: string;
}

/** What the schedule did that the checks need to know */
export interface ScheduleFacts {
  /** Venue ids of orders someone else placed on the account */
  readonly foreign: ReadonlySet<number>;
  /** Venue ids of orders the venue stopped listing, with the journal status the order had at that moment */
  readonly vanished: ReadonlyMap<number, { clientId: string; journalStatus: JournalStatus | undefined }>;
  /** The request during which the kill switch went on, and the first request after it went off again */
  readonly killSwitch?: { readonly onSeq: number; readonly onAtMs: number; readonly offSeq: number };
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

const isWrite = (method: string, url: string) =>
  (method === 'POST' || method === 'DELETE') && url.startsWith('/api/v1/order');

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
      if (!isWrite(r.method, r.url) || r.seq <= ks.onSeq || r.seq >= ks.offSeq) continue;
      if (r.atMs < ks.onAtMs + KILL_SWITCH_WINDOW_MS) continue;
      add(
        'write_while_gate_closed',
        `${r.method} ${r.url} (request ${r.seq}) after the kill switch (request ${ks.onSeq})`,
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
