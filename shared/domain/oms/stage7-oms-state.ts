// The simulated stage 7 OMS's records (spec 4.10): orders, their append-only events, the idempotency registry.
// Invariants: an order's events are the truth; its status, filled quantity and average price are a fold of
// them and the stored row is only their projection (a row written late or lost is rebuilt, never trusted).
// Ids are deterministic, events and registrations are insert-or-ignore, rows are upserts by client id.
import type { Side } from '../exchange-rules';
import { type CanonicalValue, canonicalJson, hashCanonical, sha256Hex } from '../hashing';
import { type Dec, ZERO } from '../money';
import { OMS_EVENTS, type OmsEvent, type OmsStatus, omsMachine } from '../order-state';
import type { SimulatedFailure, Stage7Intent } from './stage7-intent';

/** Spec 4.10's event types: the six that change the state first (OMS_EVENTS), then the informational ones */
export const STAGE7_EVENT_TYPES = [
  ...OMS_EVENTS,
  'DUPLICATE_IGNORED',
  'THROTTLED',
  'IDEMPOTENCY_CONFLICT',
  'RETRY_SCHEDULED',
  'RETRY_GIVEUP',
] as const;
export type Stage7EventType = (typeof STAGE7_EVENT_TYPES)[number];

const STATE_CHANGING: ReadonlySet<string> = new Set(OMS_EVENTS);
export const isStateChanging = (type: Stage7EventType): type is OmsEvent => STATE_CHANGING.has(type);

export type Stage7RejectReason = 'invalid_price_or_qty' | 'idempotency_conflict' | 'sim_reject';
export type Stage7DuplicateReason = 'terminal_order' | 'idempotency_duplicate';

/** What an event says besides its identity; PARTIAL_FILL is the slice, FILLED the whole order's fill */
export type Stage7EventBody =
  | { readonly type: 'SUBMIT_REQUESTED' }
  | { readonly type: 'ACKED' }
  | { readonly type: 'PARTIAL_FILL'; readonly qty: Dec; readonly price: Dec }
  | { readonly type: 'FILLED'; readonly qty: Dec; readonly avgPrice: Dec }
  /** `detail` carries the simulator's own reason of a `sim_reject` */
  | { readonly type: 'REJECTED'; readonly reason: Stage7RejectReason; readonly detail?: string }
  | { readonly type: 'CANCELED'; readonly reason: 'cancel_requested' }
  | { readonly type: 'DUPLICATE_IGNORED'; readonly reason: Stage7DuplicateReason }
  /** Spec's `next_eligible_ts`, epoch ms */
  | { readonly type: 'THROTTLED'; readonly nextEligibleMs: number }
  | {
      readonly type: 'IDEMPOTENCY_CONFLICT';
      readonly key: string;
      readonly registeredHash: string;
      readonly intentHash: string;
    }
  | {
      readonly type: 'RETRY_SCHEDULED';
      readonly attempt: number;
      readonly delayMs: number;
      readonly errorType: SimulatedFailure;
    }
  | {
      readonly type: 'RETRY_GIVEUP';
      readonly reason: 'transient_failure_exhausted';
      readonly attempts: number;
      readonly errorType: SimulatedFailure;
    };

export interface Stage7EventIdentity {
  readonly eventId: string;
  readonly orderId: string;
  readonly clientOrderId: string;
  /** 1-based position in the order's history */
  readonly seq: number;
  readonly tsMs: number;
  /** The OMS pass that wrote it (`intents:{nowMs}` or `reconcile:{nowMs}`): a re-run of that pass rebuilds it */
  readonly passId: string;
}

export type Stage7OrderEvent = Stage7EventBody & Stage7EventIdentity;

export interface Stage7Order {
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly cycleId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly orderType: 'LIMIT';
  readonly price: Dec;
  readonly qty: Dec;
  readonly notionalTry: Dec;
  readonly intentHash: string;
  /** The reason of the intent that created the order (the order builder's) */
  readonly intentReason: string;
  readonly status: OmsStatus;
  readonly filledQty: Dec;
  /** Qty-weighted average of the fills; undefined before the first fill */
  readonly avgFillPrice: Dec | undefined;
  /** The reason of the REJECTED or CANCELED event that closed the order */
  readonly statusReason: string | undefined;
  readonly createdAtMs: number;
  /** Time of the order's latest event (its creation when it has none) */
  readonly updatedAtMs: number;
}

/** Spec 6.2 `stage7_idempotency_keys` (key, ts, payload hash), plus the pass that registered it */
export interface Stage7IdempotencyEntry {
  readonly key: string;
  readonly payloadHash: string;
  readonly tsMs: number;
  readonly passId: string;
}

export interface Stage7OmsState {
  /** By client order id */
  readonly orders: ReadonlyMap<string, Stage7Order>;
  /** By client order id, ascending seq */
  readonly events: ReadonlyMap<string, readonly Stage7OrderEvent[]>;
  /** By key (`submit:{client order id}`) */
  readonly idempotency: ReadonlyMap<string, Stage7IdempotencyEntry>;
}

export const EMPTY_STAGE7_OMS_STATE: Stage7OmsState = { orders: new Map(), events: new Map(), idempotency: new Map() };

/** `s7o:` + sha256(client order id)[:12] */
export const stage7OrderId = (clientOrderId: string): string => `s7o:${sha256Hex(clientOrderId).slice(0, 12)}`;

/** `s7e:` + sha256("{client order id}:{seq}:{type}")[:12] */
export const stage7EventId = (clientOrderId: string, seq: number, type: Stage7EventType): string =>
  `s7e:${sha256Hex(`${clientOrderId}:${seq}:${type}`).slice(0, 12)}`;

export const stage7IdempotencyKey = (clientOrderId: string): string => `submit:${clientOrderId}`;

/**
 * SHA-256 of the canonical JSON of what the order is: its identity and economics. The explanatory fields
 * (reason, skipped, skip reason) stay out: a reconcile pass re-presents an order with reason `reconcile`, and
 * that must not read as another payload for the same key.
 */
export const stage7IntentHash = (intent: Stage7Intent): string =>
  hashCanonical({
    clientOrderId: intent.clientOrderId,
    cycleId: intent.cycleId,
    symbol: intent.symbol,
    side: intent.side,
    orderType: intent.orderType,
    price: intent.price,
    qty: intent.qty,
    notionalTry: intent.notionalTry,
  });

export interface Stage7OrderProjection {
  readonly status: OmsStatus;
  readonly filledQty: Dec;
  readonly avgFillPrice: Dec | undefined;
  readonly statusReason: string | undefined;
}

/** Status, fill and closing reason from an order's events in seq order; an illegal transition is ignored */
export function projectEvents(events: readonly Stage7OrderEvent[]): Stage7OrderProjection {
  let status: OmsStatus = 'PLANNED';
  let filledQty = ZERO;
  let avgFillPrice: Dec | undefined;
  let statusReason: string | undefined;
  for (const e of events) {
    if (!isStateChanging(e.type) || !omsMachine.can(status, e.type as OmsEvent)) continue;
    status = omsMachine.next(status, e.type as OmsEvent);
    if (e.type === 'PARTIAL_FILL') [filledQty, avgFillPrice] = [e.qty, e.price];
    if (e.type === 'FILLED') [filledQty, avgFillPrice] = [e.qty, e.avgPrice];
    if (e.type === 'REJECTED' || e.type === 'CANCELED') statusReason = e.reason;
  }
  return { status, filledQty, avgFillPrice, statusReason };
}

/** Same canonical JSON: what a store compares (decimals by value, undefined members absent) */
export const sameRecord = (a: object, b: object): boolean =>
  canonicalJson(a as unknown as CanonicalValue) === canonicalJson(b as unknown as CanonicalValue);

export interface Stage7OmsWrites {
  readonly orders: readonly Stage7Order[];
  readonly events: readonly Stage7OrderEvent[];
  readonly idempotencyKeys: readonly Stage7IdempotencyEntry[];
}

/**
 * What a store does with a pass's writes (the in-memory model of the one transaction of 4.15): events and
 * registrations insert-or-ignore by id and key, rows upsert by client id. Returns a new state.
 */
export function applyStage7Writes(state: Stage7OmsState, writes: Stage7OmsWrites): Stage7OmsState {
  const events = new Map(state.events);
  for (const e of writes.events) {
    const history = events.get(e.clientOrderId) ?? [];
    if (history.some((h) => h.eventId === e.eventId)) continue;
    events.set(
      e.clientOrderId,
      [...history, e].sort((a, b) => a.seq - b.seq),
    );
  }
  const orders = new Map(state.orders);
  for (const o of writes.orders) orders.set(o.clientOrderId, o);
  const idempotency = new Map(state.idempotency);
  for (const k of writes.idempotencyKeys) if (!idempotency.has(k.key)) idempotency.set(k.key, k);
  return { orders, events, idempotency };
}
