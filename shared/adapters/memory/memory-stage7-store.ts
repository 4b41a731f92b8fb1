// In-memory stage 7 store with the DynamoDB store's semantics, by construction: it keeps each record as the
// item the DynamoDB codec writes (so it refuses, ignores and reads back exactly what that store does) and
// applies a cycle's operations (dynamodb-stage7-ops.ts) after checking all of them, in one synchronous turn:
// a refused write leaves nothing behind. It has no transaction limit, so nothing is ever split or logged.
// Reads cost what they return (indexes per kind), never the history: backtests run thousands of cycles on it.
// An item is decoded once (dynamodb-stage7-decoded.ts: the codec's write check already decoded it), so a load
// hands out the frozen values decoded then instead of parsing every item again.

import type { ParamsCheckpoint } from '../../domain/adaptation/adaptation-model';
import { StaleLeaseError } from '../../domain/errors';
import { EMPTY_STAGE7_OMS_STATE, type Stage7OmsState, stage7IdempotencyKey } from '../../domain/oms/stage7-oms-state';
import type {
  Stage7CycleState,
  Stage7CycleWrite,
  Stage7DocumentName,
  Stage7Documents,
  Stage7Store,
} from '../../ports/stage7-store';
import type { LeaseFence, Versioned } from '../../ports/state-store';
import type { Item } from '../dynamodb/attributes';
import { forgetDecoded } from '../dynamodb/dynamodb-stage7-decoded';
import { recordKind, stage7Keys } from '../dynamodb/dynamodb-stage7-keys';
import {
  checkpointSelection,
  conditionHolds,
  type Stage7Op,
  settleRefused,
  stage7OmsState,
  stage7Ops,
} from '../dynamodb/dynamodb-stage7-ops';
import { parseStage7ActiveParams, parseStage7Checkpoint } from '../dynamodb/dynamodb-stage7-params-codec';
import { parseStage7Run } from '../dynamodb/dynamodb-stage7-run-codec';
import { parseStage7Document, STAGE7_DOCUMENT_NAMES } from '../dynamodb/dynamodb-stage7-state-codec';
import type { MemoryLeaseStore } from './memory-lease-store';

/** How many run-metric rows a load returns (spec 4.16's window) */
const RUN_ROWS = 5;

/**
 * What the store keeps. `all` (the default): every record, as DynamoDB keeps it. `cycle` (a backtest): only what
 * a cycle reads back, so memory stays flat however many cycles run: run rows beyond the load's window, a finished
 * order's row, events and key, cycle traces and change rows are not kept. A cycle's result is the same either way
 * (tests/unit/backtest shows equal fingerprints); what differs is that `loadOrders` no longer finds a finished
 * order, which only a re-run of its cycle or an owed ledger append would ask for, and a backtest does neither
 * (its cycles run once, and append their fills in the same turn).
 */
export type Stage7History = 'all' | 'cycle';

/**
 * One account's items by sort key, with the indexes its reads need. Items no load reads any more (a run row
 * out of the window, a finished order's records) have their decoded values forgotten: backtests keep
 * thousands of them, and a later read (a re-run, a refused write) only decodes again.
 */
class AccountItems {
  readonly #account: string;
  readonly #dropUnread: boolean;
  /** Orders a write finished, settled once the whole write is applied (its events may follow the order row) */
  readonly #finished: string[] = [];
  readonly items = new Map<string, Item>();
  /** Client ids of the orders on the open index */
  readonly open = new Set<string>();
  /** Client id -> its event sort keys */
  readonly events = new Map<string, string[]>();
  /** Run-row sort keys, ascending (oldest first) */
  readonly runs: string[] = [];
  /** Checkpoint versions, ascending */
  readonly checkpoints: number[] = [];
  /** The versions of the good checkpoints, ascending (a checkpoint written again may change isGood) */
  readonly good: number[] = [];

  constructor(account: string, history: Stage7History) {
    this.#account = account;
    this.#dropUnread = history === 'cycle';
  }

  put(item: Item): void {
    const sk = item.sk?.S as string;
    const kind = recordKind(sk);
    if (this.#dropUnread && (kind === 'trace' || kind === 'change')) return;
    const isNew = !this.items.has(sk);
    this.items.set(sk, item);
    const id = item.clientOrderId?.S as string;
    if (kind === 'order') {
      if (item.gsi1pk === undefined) {
        this.open.delete(id);
        this.#finished.push(id);
      } else this.open.add(id);
    }
    if (kind === 'checkpoint') {
      const v = Number(item.version?.N);
      const at = this.good.indexOf(v);
      if (item.isGood?.BOOL === true && at < 0) insertSorted(this.good, v);
      if (item.isGood?.BOOL !== true && at >= 0) this.good.splice(at, 1);
    }
    if (!isNew) return;
    if (kind === 'event') this.events.set(id, [...(this.events.get(id) ?? []), sk]);
    if (kind === 'run') {
      insertSorted(this.runs, sk);
      if (this.#dropUnread && this.runs.length > RUN_ROWS) this.#drop(this.runs.shift());
      else this.#forget(this.runs[this.runs.length - RUN_ROWS - 1]);
    }
    if (kind === 'checkpoint') insertSorted(this.checkpoints, Number(item.version?.N));
  }

  /** After a write: the orders it finished are forgotten (decoded values) or, keeping a cycle's reads only, dropped */
  settle(): void {
    for (const id of this.#finished.splice(0)) {
      const sks = [
        stage7Keys.order(this.#account, id).sk,
        ...(this.events.get(id) ?? []),
        stage7Keys.idempotency(this.#account, stage7IdempotencyKey(id)).sk,
      ];
      for (const sk of sks) {
        if (this.#dropUnread) this.#drop(sk);
        else this.#forget(sk);
      }
      if (this.#dropUnread) this.events.delete(id);
    }
  }

  #forget(sk: string | undefined): void {
    const item = sk === undefined ? undefined : this.items.get(sk);
    if (item !== undefined) forgetDecoded(item);
  }

  #drop(sk: string | undefined): void {
    if (sk === undefined) return;
    this.#forget(sk);
    this.items.delete(sk);
  }
}

function insertSorted<T>(sorted: T[], value: T): void {
  let i = sorted.length;
  while (i > 0 && (sorted[i - 1] as T) > value) i -= 1;
  sorted.splice(i, 0, value);
}

export class MemoryStage7Store implements Stage7Store {
  readonly #accounts = new Map<string, AccountItems>();
  readonly #leases: MemoryLeaseStore;
  readonly #history: Stage7History;

  constructor(leases: MemoryLeaseStore, history: Stage7History = 'all') {
    this.#leases = leases;
    this.#history = history;
  }

  /** Nothing to complete first: a memory write is never interrupted between parts */
  async load(account: string, _fence: LeaseFence): Promise<Stage7CycleState> {
    const tables = this.#tables(account);
    const open = [...tables.open].sort();
    const documents = Object.fromEntries(
      STAGE7_DOCUMENT_NAMES.map((name) => [name, this.#document(tables, account, name)]),
    ) as Stage7CycleState['documents'];
    const activeItem = tables.items.get(stage7Keys.activeParams(account).sk);
    const active = activeItem === undefined ? { value: undefined, version: 0 } : parseStage7ActiveParams(activeItem);
    return {
      oms: this.#oms(tables, account, open),
      params: { active, checkpoints: this.#checkpoints(tables, account, active.value?.version) },
      runMetrics: tables.runs
        .slice(-RUN_ROWS)
        .reverse()
        .map((sk) => parseStage7Run(tables.items.get(sk) as Item)),
      documents,
    };
  }

  async loadOrders(account: string, clientOrderIds: readonly string[]): Promise<Stage7OmsState> {
    const tables = this.#accounts.get(account);
    if (tables === undefined) return EMPTY_STAGE7_OMS_STATE;
    return this.#oms(tables, account, [...new Set(clientOrderIds)]);
  }

  async saveCycle(write: Stage7CycleWrite, fence: LeaseFence): Promise<void> {
    const ops = stage7Ops(write);
    if (this.#leases.epochOf(fence.name) !== fence.epoch) throw new StaleLeaseError(fence.name, fence.epoch);
    const tables = this.#tables(write.account);
    const toWrite: Stage7Op[] = [];
    for (const op of [...ops.orders.flat(), ...ops.final]) {
      const stored = tables.items.get(op.item.sk?.S as string);
      if (conditionHolds(op, stored)) toWrite.push(op);
      else settleRefused(op, stored);
    }
    for (const op of toWrite) if (op.kind !== 'check') tables.put(op.item);
    tables.settle();
  }

  #tables(account: string): AccountItems {
    let tables = this.#accounts.get(account);
    if (tables === undefined) {
      tables = new AccountItems(account, this.#history);
      this.#accounts.set(account, tables);
    }
    return tables;
  }

  #oms(tables: AccountItems, account: string, ids: readonly string[]): Stage7OmsState {
    const present = (sk: string) => tables.items.get(sk);
    const found = <T>(xs: (T | undefined)[]) => xs.filter((x): x is T => x !== undefined);
    return stage7OmsState(
      found(ids.map((id) => present(stage7Keys.order(account, id).sk))),
      found(ids.flatMap((id) => (tables.events.get(id) ?? []).map(present))),
      found(ids.map((id) => present(stage7Keys.idempotency(account, stage7IdempotencyKey(id)).sk))),
    );
  }

  #document<K extends Stage7DocumentName>(
    tables: AccountItems,
    account: string,
    name: K,
  ): Versioned<Stage7Documents[K] | undefined> {
    const item = tables.items.get(stage7Keys.document(account, name).sk);
    return item === undefined ? { value: undefined, version: 0 } : parseStage7Document(name, item);
  }

  #checkpoints(tables: AccountItems, account: string, activeVersion: number | undefined): ParamsCheckpoint[] {
    const at = (version: number | undefined) => {
      const item = version === undefined ? undefined : tables.items.get(stage7Keys.checkpoint(account, version).sk);
      return item === undefined ? undefined : parseStage7Checkpoint(item);
    };
    // the newest good checkpoint of another version: the newest good one, else the one below it
    const [below, newest] = [tables.good.at(-2), tables.good.at(-1)];
    const goodOther = at(newest !== activeVersion ? newest : below);
    return checkpointSelection([at(tables.checkpoints.at(-1)), at(activeVersion), goodOther]);
  }
}
