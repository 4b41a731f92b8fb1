// One OMS pass's bookkeeping (spec 4.10 identity rules and step 12). A pass is named by its kind and time
// (`intents:{nowMs}`) and reads each order as it was before its own records: the stored events up to the first
// one it wrote, the registry without its own keys. So a re-run of the pass, with its first inputs, numbers its
// events exactly as the first run did (seq = events before the pass + position) and writes only what is missing.
import { CorruptStateError } from '../errors';
import { type OmsEvent, type OmsStatus, omsMachine } from '../order-state';
import type { Stage7Intent } from './stage7-intent';
import {
  projectEvents,
  STAGE7_EVENT_TYPES,
  type Stage7EventBody,
  type Stage7EventType,
  type Stage7IdempotencyEntry,
  type Stage7OmsState,
  type Stage7OmsWrites,
  type Stage7Order,
  type Stage7OrderEvent,
  sameRecord,
  stage7EventId,
  stage7OrderId,
} from './stage7-oms-state';

export interface Stage7OmsResult extends Stage7OmsWrites {
  readonly passId: string;
  /** The whole pass's events by type, those already stored by an interrupted run included (for 4.14's counts) */
  readonly eventCounts: Readonly<Record<Stage7EventType, number>>;
}

/** An order's fields fixed at creation; upserts keep them */
export type OrderBase = Omit<Stage7Order, 'status' | 'filledQty' | 'avgFillPrice' | 'statusReason' | 'updatedAtMs'>;

export const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class OmsPass {
  readonly #before = new Map<string, readonly Stage7OrderEvent[]>();
  readonly #emitted = new Map<string, Stage7OrderEvent[]>();
  readonly #bases = new Map<string, OrderBase>();
  readonly #registered = new Map<string, Stage7IdempotencyEntry>();

  constructor(
    readonly id: string,
    readonly state: Stage7OmsState,
    readonly nowMs: number,
  ) {}

  /** The order's status before this pass wrote anything */
  statusBefore(clientOrderId: string): OmsStatus {
    return projectEvents(this.#eventsBefore(clientOrderId)).status;
  }

  /** The order's status now, this pass's events included */
  status(clientOrderId: string): OmsStatus {
    return projectEvents(this.#history(clientOrderId)).status;
  }

  /** A state-changing event, unless its type is already in the order's history or the table forbids it */
  transition(id: string, body: Stage7EventBody & { readonly type: OmsEvent }): void {
    const history = this.#history(id);
    if (history.some((e) => e.type === body.type)) return;
    if (!omsMachine.can(projectEvents(history).status, body.type)) return;
    this.emit(id, body);
  }

  emit(id: string, body: Stage7EventBody): void {
    const emitted = this.#emitted.get(id) ?? [];
    this.#emitted.set(id, emitted);
    const seq = this.#eventsBefore(id).length + emitted.length + 1;
    const identity = {
      eventId: stage7EventId(id, seq, body.type),
      orderId: stage7OrderId(id),
      clientOrderId: id,
      seq,
      tsMs: this.nowMs,
      passId: this.id,
    };
    emitted.push({ ...body, ...identity });
  }

  /** The key's entry as this pass knows it: its own registrations, else the stored one of an earlier pass */
  registration(key: string): Stage7IdempotencyEntry | undefined {
    const stored = this.state.idempotency.get(key);
    return this.#registered.get(key) ?? (stored?.passId === this.id ? undefined : stored);
  }

  register(key: string, payloadHash: string): void {
    this.#registered.set(key, { key, payloadHash, tsMs: this.nowMs, passId: this.id });
  }

  /** The order's fixed fields: the stored row's (upserts keep the original order), else the first intent's */
  base(intent: Stage7Intent, intentHash: string): OrderBase {
    const id = intent.clientOrderId;
    const known = this.#bases.get(id);
    if (known !== undefined) return known;
    const row = this.state.orders.get(id);
    const base: OrderBase = row
      ? {
          orderId: row.orderId,
          clientOrderId: id,
          cycleId: row.cycleId,
          symbol: row.symbol,
          side: row.side,
          orderType: row.orderType,
          price: row.price,
          qty: row.qty,
          notionalTry: row.notionalTry,
          intentHash: row.intentHash,
          intentReason: row.intentReason,
          createdAtMs: row.createdAtMs,
        }
      : {
          orderId: stage7OrderId(id),
          clientOrderId: id,
          cycleId: intent.cycleId,
          symbol: intent.symbol,
          side: intent.side,
          orderType: intent.orderType,
          price: intent.price,
          qty: intent.qty,
          notionalTry: intent.notionalTry,
          intentHash,
          intentReason: intent.reason,
          createdAtMs: this.#eventsBefore(id)[0]?.tsMs ?? this.nowMs,
        };
    this.#bases.set(id, base);
    return base;
  }

  /**
   * Step 12's writes: events not stored yet, rows whose projection changed, keys not registered yet.
   * @throws CorruptStateError a stored event or key of this pass that its re-computation does not reproduce
   */
  result(): Stage7OmsResult {
    const counts = Object.fromEntries(STAGE7_EVENT_TYPES.map((t) => [t, 0])) as Record<Stage7EventType, number>;
    const events: Stage7OrderEvent[] = [];
    const orders: Stage7Order[] = [];
    for (const id of [...this.#bases.keys()].sort(byCode)) {
      const history = new Map((this.state.events.get(id) ?? []).map((e) => [e.seq, e]));
      for (const e of this.#emitted.get(id) ?? []) {
        counts[e.type] += 1;
        const stored = history.get(e.seq);
        if (stored === undefined) {
          events.push(e);
          history.set(e.seq, e);
        } else if (!sameRecord(stored, e)) {
          throw this.#mismatch(`events.${id}.${e.seq}`, `stored event ${stored.eventId}`, e.eventId);
        }
      }
      const all = [...history.values()].sort((a, b) => a.seq - b.seq);
      const base = this.#bases.get(id) as OrderBase; // the loop runs over #bases' keys
      const row: Stage7Order = { ...base, ...projectEvents(all), updatedAtMs: all.at(-1)?.tsMs ?? base.createdAtMs };
      const stored = this.state.orders.get(id);
      if (stored === undefined || !sameRecord(stored, row)) orders.push(row);
    }
    const idempotencyKeys: Stage7IdempotencyEntry[] = [];
    for (const entry of [...this.#registered.values()].sort((a, b) => byCode(a.key, b.key))) {
      const stored = this.state.idempotency.get(entry.key);
      if (stored === undefined) idempotencyKeys.push(entry);
      else if (!sameRecord(stored, entry))
        throw this.#mismatch(`idempotency.${entry.key}`, 'stored entry', 'this pass');
    }
    return { passId: this.id, orders, events, idempotencyKeys, eventCounts: counts };
  }

  #history(id: string): readonly Stage7OrderEvent[] {
    return [...this.#eventsBefore(id), ...(this.#emitted.get(id) ?? [])];
  }

  /** Stored events up to the first one this pass wrote: what the order was before this pass */
  #eventsBefore(id: string): readonly Stage7OrderEvent[] {
    let before = this.#before.get(id);
    if (before === undefined) {
      const stored = this.state.events.get(id) ?? [];
      const own = stored.findIndex((e) => e.passId === this.id);
      before = own < 0 ? stored : stored.slice(0, own);
      this.#before.set(id, before);
    }
    return before;
  }

  #mismatch(path: string, stored: string, recomputed: string): CorruptStateError {
    return new CorruptStateError(`stage 7 OMS pass ${this.id}`, [
      {
        path,
        message: `expected ${stored} to equal its re-computation (${recomputed}): re-run a pass with its first inputs`,
      },
    ]);
  }
}
