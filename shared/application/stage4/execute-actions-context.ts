// What one stage 4 execution shares between its regular actions and its replace transactions: the deps with
// the journal fenced by the cycle's lease, the plan, the result being added to, the 1123 symbol cooldown
// gate (read once, then kept current with the rejects this execution records) and our live orders (read
// once, then kept current with every order this execution writes, whichever part of it wrote it).
import type { Side } from '../../domain/exchange-rules';
import { isExternalIntent } from '../../domain/ids';
import type { Dec } from '../../domain/money';
import { IN_FLIGHT, RESTING } from '../../domain/order-state';
import type { Clock } from '../../ports/clock';
import type { Exchange } from '../../ports/exchange';
import type { ReconcileQueue } from '../../ports/reconcile-queue';
import type {
  JournalOrder,
  LeaseFence,
  OrderJournal,
  ReplaceTransactionStore,
  SymbolCooldownStore,
  SymbolRejectPolicy,
} from '../../ports/state-store';
import { fencedJournal } from '../fenced-journal';
import { type PlaceOutcome, placeOrder } from '../place-order';
import type { Stage4WriteGates } from './execute-actions-gates';
import {
  countPlacement,
  MIN_TOTAL_REJECT_CODE,
  reject,
  type Stage4ExecutionResult,
  type Subject,
} from './execute-actions-result';

/** The knobs execution reads (spec 1.13; the loaded Config satisfies it) */
export interface Stage4ExecutionSettings {
  readonly REJECT1123_ENFORCE_EXECUTION_GATE: boolean;
  readonly REJECT1123_WINDOW_MINUTES: number;
  readonly REJECT1123_THRESHOLD: number;
  readonly REJECT1123_COOLDOWN_MINUTES: number;
}

export interface Stage4ExecutionDeps {
  readonly journal: OrderJournal;
  readonly exchange: Exchange;
  readonly queue: ReconcileQueue;
  readonly clock: Clock;
  /** Re-checked right before every exchange write (stage4WriteGates) */
  readonly gates: Stage4WriteGates;
  readonly replaceTransactions: ReplaceTransactionStore;
  readonly cooldowns: SymbolCooldownStore;
  readonly settings: Stage4ExecutionSettings;
}

export interface Stage4ExecutionPlan {
  readonly account: string;
  readonly cycleId: string;
  /** The cycle's lease: every journal and replace transaction write is fenced by it */
  readonly fence: LeaseFence;
  /** The unknown-order freeze (spec 3.7): no SUBMIT, replace transactions block */
  readonly freezeActive: boolean;
  /** The effective kill switch: no SUBMIT */
  readonly killSwitchActive: boolean;
  /** KILL_SWITCH_FREEZE_ALL: under the kill switch, CANCELs stop too */
  readonly freezeAll: boolean;
}

export interface ExecutionContext {
  readonly deps: Stage4ExecutionDeps;
  readonly plan: Stage4ExecutionPlan;
  readonly result: Stage4ExecutionResult;
  readonly cooldown: CooldownGate;
  readonly live: LiveOrders;
}

export function executionContext(
  deps: Stage4ExecutionDeps,
  plan: Stage4ExecutionPlan,
  result: Stage4ExecutionResult,
): ExecutionContext {
  const fenced = { ...deps, journal: fencedJournal(deps.journal, plan.fence) };
  return { deps: fenced, plan, result, cooldown: cooldownGate(fenced), live: new LiveOrders(fenced.journal, plan) };
}

/**
 * Our orders not closed yet (spec 9.1.4 dedupe): listed from the journal once, then kept current with what
 * this execution journals. The listing reads an index that may lag the writes just made (DynamoDB GSIs are
 * eventually consistent), so an order placed by a resumed replace transaction must be seen here, not
 * re-listed, before a regular SUBMIT of its group is deduped against it.
 */
export class LiveOrders {
  readonly #journal: OrderJournal;
  readonly #account: string;
  #orders: Map<string, JournalOrder> | undefined;
  /** Written before the first listing: applied over it, since the listing may not hold them yet */
  readonly #written = new Map<string, JournalOrder>();

  constructor(journal: OrderJournal, plan: Pick<Stage4ExecutionPlan, 'account'>) {
    this.#journal = journal;
    this.#account = plan.account;
  }

  async all(): Promise<Iterable<JournalOrder>> {
    if (this.#orders === undefined) {
      const listed = await this.#journal.listByStatus(this.#account, [...IN_FLIGHT, ...RESTING]);
      this.#orders = new Map(listed.filter((o) => !isExternalIntent(o.intentKey)).map((o) => [o.clientOrderId, o]));
      for (const order of this.#written.values()) this.#orders.set(order.clientOrderId, order);
    }
    return this.#orders.values();
  }

  seen(order: JournalOrder): void {
    this.#written.set(order.clientOrderId, order);
    this.#orders?.set(order.clientOrderId, order);
  }
}

export type CooldownVerdict = 'ok' | 'exchange_reject_1123_cooldown_gate' | 'exchange_reject_1123_state_read_failed';

export interface CooldownGate {
  check(symbol: string): Promise<CooldownVerdict>;
  recordReject(symbol: string): Promise<void>;
}

const nowSec = (clock: Clock) => Math.floor(clock.nowMs() / 1000);

/** The 1123 execution gate (spec 3.18 step 3): the active cooldowns are read once; a failed read blocks every SUBMIT */
function cooldownGate(deps: Stage4ExecutionDeps): CooldownGate {
  const s = deps.settings;
  const policy: SymbolRejectPolicy = {
    windowMinutes: s.REJECT1123_WINDOW_MINUTES,
    threshold: s.REJECT1123_THRESHOLD,
    cooldownMinutes: s.REJECT1123_COOLDOWN_MINUTES,
  };
  let active: Promise<Set<string> | undefined> | undefined;
  const read = () => {
    active ??= deps.cooldowns.active(nowSec(deps.clock)).then(
      (rows) => new Set(rows.map((r) => r.symbol)),
      () => undefined,
    );
    return active;
  };
  return {
    async check(symbol) {
      if (!s.REJECT1123_ENFORCE_EXECUTION_GATE) return 'ok';
      const symbols = await read();
      if (symbols === undefined) return 'exchange_reject_1123_state_read_failed';
      return symbols.has(symbol) ? 'exchange_reject_1123_cooldown_gate' : 'ok';
    },
    async recordReject(symbol) {
      const now = nowSec(deps.clock);
      const row = await deps.cooldowns.recordReject(symbol, now, policy);
      const symbols = await read();
      if (symbols !== undefined && row.cooldownUntilSec !== undefined && row.cooldownUntilSec > now)
        symbols.add(symbol);
    },
  };
}

export interface Submission {
  readonly symbol: string;
  readonly side: Side;
  readonly price: Dec;
  readonly qty: Dec;
  /** The planner's client order id: the intent the journal keys its attempts by */
  readonly intentKey: string;
  /** The cycle whose id the exchange client id is derived from (a resumed replace keeps its own) */
  readonly cycleId: string;
}

/**
 * Places one SUBMIT by the order safety protocol behind the submit gate and counts it; a 1123 reject is
 * recorded against its symbol (spec 6.6)
 */
export async function placeSubmission(ctx: ExecutionContext, subject: Subject, s: Submission): Promise<PlaceOutcome> {
  const { deps, plan, result } = ctx;
  const outcome = await placeOrder(
    { ...deps, gate: deps.gates.submit },
    { account: plan.account, stage: 'stage4', ...s },
    plan.fence,
  );
  ctx.live.seen(outcome.order);
  if (outcome.kind === 'rejected' && outcome.code === MIN_TOTAL_REJECT_CODE) {
    await ctx.cooldown.recordReject(s.symbol);
    result.counters.rejectedMinNotional += 1;
    reject(result, subject, 'exchange_reject_1123');
  } else countPlacement(result, subject, outcome);
  return outcome;
}
