// A stage 7 cycle write as conditional item operations, and what a refused one means. Both stage 7 stores
// use this: DynamoDB sends the operations in transactions, the in-memory store applies them to its items in
// one turn, so both refuse and ignore exactly the same records. Operation kinds:
//   insert     events, idempotency keys, run row, trace, change row: put if absent; a stored copy equal to it
//              is ignored (insert-or-ignore), a different one refused
//   upsert     order rows (projections of their events): always written
//   checkpoint a params version: written unless the version is stored with other params
//   guarded    documents and the active params: put if the stored version is the expected one; a stored
//              copy equal to it (this write, applied before) is ignored
//   check      the active params' revision, when adaptation writes a change or checkpoint without activating
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { ParamsCheckpoint } from '../../domain/adaptation/adaptation-model';
import {
  ConcurrentUpdateError,
  CorruptStateError,
  IdempotencyConflictError,
  ValidationError,
  type ValidationIssue,
} from '../../domain/errors';
import { type CanonicalValue, canonicalJson } from '../../domain/hashing';
import {
  type Stage7IdempotencyEntry,
  type Stage7OmsState,
  type Stage7Order,
  type Stage7OrderEvent,
  sameRecord,
} from '../../domain/oms/stage7-oms-state';
import type { Stage7CycleWrite, Stage7DocumentName } from '../../ports/stage7-store';
import type { Item } from './attributes';
import { recordKind, stage7Keys } from './dynamodb-stage7-keys';
import {
  parseStage7Event,
  parseStage7Key,
  parseStage7Order,
  stage7EventItem,
  stage7KeyItem,
  stage7OrderItem,
} from './dynamodb-stage7-oms-codec';
import {
  parseStage7ActiveParams,
  parseStage7Change,
  parseStage7Checkpoint,
  stage7ActiveParamsItem,
  stage7ChangeItem,
  stage7CheckpointItem,
} from './dynamodb-stage7-params-codec';
import { parseStage7Run, stage7RunItem } from './dynamodb-stage7-run-codec';
import {
  parseStage7Document,
  parseStage7Trace,
  STAGE7_DOCUMENT_NAMES,
  stage7DocumentItem,
  stage7TraceItem,
} from './dynamodb-stage7-state-codec';

export type Stage7Op =
  | { readonly kind: 'insert' | 'upsert' | 'checkpoint'; readonly item: Item }
  | { readonly kind: 'guarded' | 'check'; readonly item: Item; readonly expectedVersion: number };

export interface Stage7Ops {
  /** One group per order, by client id: its events by seq, its idempotency key, its row */
  readonly orders: readonly (readonly Stage7Op[])[];
  /** Run row, trace, change, checkpoints, then the version-guarded params and documents */
  readonly final: readonly Stage7Op[];
}

/** DynamoDB's item size limit is 400 KB; the estimate below stays under it with room for its rounding */
export const ITEM_MAX_BYTES = 400_000;

/**
 * The write's operations, every record encoded (and so checked) by its codec.
 * @throws ValidationError the write contradicts itself (two events for one seq, a run row of another cycle...)
 * @throws CorruptStateError a record the store could not read back
 */
export function stage7Ops(write: Stage7CycleWrite): Stage7Ops {
  const issues: ValidationIssue[] = [];
  const { account: acct, cycleId } = write;
  if (write.runMetrics.cycleId !== cycleId)
    issues.push({ path: 'runMetrics.cycleId', message: `expected ${cycleId}, was ${write.runMetrics.cycleId}` });
  const expected = (path: string, n: number) => {
    if (!Number.isSafeInteger(n) || n < 0) issues.push({ path, message: `expected an integer >= 0, was ${n}` });
  };
  for (const name of STAGE7_DOCUMENT_NAMES) {
    const doc = write.documents[name];
    if (doc !== undefined) expected(`documents.${name}.expectedVersion`, doc.expectedVersion);
  }
  if (write.params !== undefined) expected('params.expectedRevision', write.params.expectedRevision);
  const versions = write.params?.checkpoints.map((c) => c.params.version) ?? [];
  for (const v of new Set(versions.filter((v, i) => versions.indexOf(v) !== i)))
    issues.push({ path: 'params.checkpoints', message: `expected one checkpoint per version, ${v} repeats` });
  const merged = mergePasses(write, issues);
  if (issues.length > 0) throw new ValidationError(`stage 7 write of cycle ${cycleId}`, issues);

  const orders = [...merged.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]): Stage7Op[] => [
      ...[...g.events.values()]
        .sort((a, b) => a.seq - b.seq)
        .map((e): Stage7Op => ({ kind: 'insert', item: stage7EventItem(acct, e) })),
      ...g.keys.map((k): Stage7Op => ({ kind: 'insert', item: stage7KeyItem(acct, k) })),
      ...(g.row === undefined ? [] : [{ kind: 'upsert' as const, item: stage7OrderItem(acct, g.row) }]),
    ]);
  const final: Stage7Op[] = [{ kind: 'insert', item: stage7RunItem(acct, write.runMetrics) }];
  if (write.trace !== undefined) final.push({ kind: 'insert', item: stage7TraceItem(acct, cycleId, write.trace) });
  const params = write.params;
  if (params !== undefined) {
    if (params.change !== undefined) final.push({ kind: 'insert', item: stage7ChangeItem(acct, params.change) });
    for (const c of params.checkpoints) final.push({ kind: 'checkpoint', item: stage7CheckpointItem(acct, c) });
    const revision = params.expectedRevision;
    if (params.activeParams !== undefined)
      final.push({
        kind: 'guarded',
        item: stage7ActiveParamsItem(acct, params.activeParams, revision + 1),
        expectedVersion: revision,
      });
    else if (params.change !== undefined || params.checkpoints.length > 0)
      final.push({ kind: 'check', item: keyOnly(stage7Keys.activeParams(acct)), expectedVersion: revision });
  }
  for (const name of STAGE7_DOCUMENT_NAMES) {
    const doc = write.documents[name];
    if (doc === undefined) continue;
    const item = stage7DocumentItem(acct, name, doc.value, doc.expectedVersion + 1);
    final.push({ kind: 'guarded', item, expectedVersion: doc.expectedVersion });
  }
  for (const op of [...orders.flat(), ...final]) {
    // the bound is cheap (no UTF-8 encoding) and far below the limit for every record a cycle writes
    if (itemBytesAtMost(op.item) <= ITEM_MAX_BYTES) continue;
    const bytes = itemBytes(op.item);
    if (bytes > ITEM_MAX_BYTES)
      throw new ValidationError(`stage 7 write of cycle ${cycleId}`, [
        { path: op.item.sk?.S ?? '?', message: `expected an item of at most ${ITEM_MAX_BYTES} bytes, was ${bytes}` },
      ]);
  }
  return { orders, final };
}

interface OrderGroup {
  readonly events: Map<number, Stage7OrderEvent>;
  readonly keys: Stage7IdempotencyEntry[];
  row?: Stage7Order;
}

/** The passes' records by order: events by seq, keys once, the last pass's row */
function mergePasses(write: Stage7CycleWrite, issues: ValidationIssue[]): Map<string, OrderGroup> {
  const groups = new Map<string, OrderGroup>();
  const group = (id: string): OrderGroup => {
    let g = groups.get(id);
    if (g === undefined) {
      g = { events: new Map(), keys: [] };
      groups.set(id, g);
    }
    return g;
  };
  write.oms.forEach((pass, i) => {
    for (const e of pass.events) {
      const g = group(e.clientOrderId);
      const known = g.events.get(e.seq);
      if (known !== undefined && !sameRecord(known, e))
        issues.push({
          path: `oms[${i}].events`,
          message: `expected one event for ${e.clientOrderId} seq ${e.seq}, was two`,
        });
      g.events.set(e.seq, known ?? e);
    }
    for (const k of pass.idempotencyKeys) {
      // keys are `submit:{client id}` (spec 4.10 step 7): written with their order
      const g = group(k.key.startsWith('submit:') ? k.key.slice('submit:'.length) : k.key);
      const known = g.keys.find((x) => x.key === k.key);
      if (known === undefined) g.keys.push(k);
      else if (known.payloadHash !== k.payloadHash)
        issues.push({ path: `oms[${i}].idempotencyKeys`, message: `expected one payload hash for ${k.key}, was two` });
    }
    for (const o of pass.orders) group(o.clientOrderId).row = o;
  });
  return groups;
}

const keyOnly = (key: { readonly pk: string; readonly sk: string }): Item => ({ pk: { S: key.pk }, sk: { S: key.sk } });
export const itemKey = (item: Item): Item => ({ pk: item.pk as AttributeValue, sk: item.sk as AttributeValue });
const itemName = (item: Item) => `${item.pk?.S ?? '?'}/${item.sk?.S ?? '?'}`;

/** Whether the operation's condition holds against the stored item (undefined: absent) */
export function conditionHolds(op: Stage7Op, stored: Item | undefined): boolean {
  switch (op.kind) {
    case 'upsert':
      return true;
    case 'insert':
      return stored === undefined;
    case 'checkpoint':
      return stored === undefined || stored.params?.S === op.item.params?.S;
    case 'guarded':
    case 'check':
      return op.expectedVersion === 0 ? stored === undefined : stored?.version?.N === String(op.expectedVersion);
  }
}

/**
 * For an operation whose condition does not hold: returns when the stored item is already what it writes
 * (the operation is to be dropped), throws what the refusal means otherwise.
 * @throws CorruptStateError the stored item is malformed
 * @throws IdempotencyConflictError a key stored with another payload hash
 * @throws ConcurrentUpdateError a record stored with other content, or a version that moved on
 */
export function settleRefused(op: Stage7Op, stored: Item | undefined): void {
  if (stored !== undefined) parseStage7Item(stored);
  const name = itemName(op.item);
  if (op.kind === 'insert' && stored !== undefined) {
    if (recordKind(op.item.sk?.S ?? '') === 'idempotency') {
      const [ours, theirs] = [op.item.payloadHash?.S ?? '', stored.payloadHash?.S ?? ''];
      if (ours === theirs) return;
      throw new IdempotencyConflictError(op.item.key?.S ?? name, theirs, ours);
    }
    if (sameItem(stored, op.item)) return;
    throw new ConcurrentUpdateError(name, 'expected the stored record to be the one written, was another');
  }
  if (op.kind === 'checkpoint')
    throw new ConcurrentUpdateError(name, 'expected the params this version activated, was other params');
  if (op.kind === 'guarded' && stored !== undefined && sameItem(stored, op.item)) return;
  if (op.kind === 'guarded' || op.kind === 'check') {
    const was = stored === undefined ? 'absent' : `version ${stored.version?.N}`;
    throw new ConcurrentUpdateError(name, `expected version ${op.expectedVersion}, was ${was}`);
  }
}

/** Same attributes and values: what a stored copy of a record is compared with */
export const sameItem = (a: Item, b: Item): boolean =>
  canonicalJson(a as unknown as CanonicalValue) === canonicalJson(b as unknown as CanonicalValue);

/**
 * Checks a stored stage 7 record with its codec (chosen by its sort key).
 * @throws CorruptStateError it is malformed, or of no stage 7 kind
 */
export function parseStage7Item(item: Item): void {
  const sk = item.sk?.S ?? '';
  switch (recordKind(sk)) {
    case 'order':
      parseStage7Order(item);
      return;
    case 'event':
      parseStage7Event(item);
      return;
    case 'idempotency':
      parseStage7Key(item);
      return;
    case 'document': {
      const name = sk.slice('DOC#'.length) as Stage7DocumentName;
      if (STAGE7_DOCUMENT_NAMES.includes(name)) {
        parseStage7Document(name, item);
        return;
      }
      break;
    }
    case 'activeParams':
      parseStage7ActiveParams(item);
      return;
    case 'checkpoint':
      parseStage7Checkpoint(item);
      return;
    case 'change':
      parseStage7Change(item);
      return;
    case 'run':
      parseStage7Run(item);
      return;
    case 'trace':
      parseStage7Trace(item);
      return;
  }
  throw new CorruptStateError(`DynamoDB item ${item.pk?.S ?? '?'} / ${sk}`, [
    { path: 'sk', message: `expected the sort key of a stage 7 record, was ${JSON.stringify(sk)}` },
  ]);
}

/** The OMS state of stored rows, events and keys, each parsed; maps in client id (key) order */
export function stage7OmsState(rows: readonly Item[], events: readonly Item[], keys: readonly Item[]): Stage7OmsState {
  const byId = <T>(entries: [string, T][]) => new Map(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const history = new Map<string, Stage7OrderEvent[]>();
  for (const e of events.map(parseStage7Event))
    history.set(e.clientOrderId, [...(history.get(e.clientOrderId) ?? []), e]);
  for (const list of history.values()) list.sort((a, b) => a.seq - b.seq);
  return {
    orders: byId(rows.map(parseStage7Order).map((o) => [o.clientOrderId, o])),
    events: byId([...history.entries()]),
    idempotency: byId(keys.map(parseStage7Key).map((k) => [k.key, k])),
  };
}

/**
 * A load's checkpoints (Stage7ParamsState): the newest, the active version's and the newest good one of
 * another version, each once, by version ascending
 */
export function checkpointSelection(found: readonly (ParamsCheckpoint | undefined)[]): ParamsCheckpoint[] {
  const byVersion = new Map<number, ParamsCheckpoint>();
  for (const c of found) if (c !== undefined) byVersion.set(c.params.version, c);
  return [...byVersion.values()].sort((a, b) => a.params.version - b.params.version);
}

/** DynamoDB's item size: attribute names and values in UTF-8, 3 bytes per list or map and 1 per element */
export const itemBytes = (item: Item): number => attributeBytes(item, utf8Bytes);

/** At least itemBytes: a UTF-16 code unit is at most 3 bytes of UTF-8 */
const itemBytesAtMost = (item: Item): number => attributeBytes(item, (text) => 3 * text.length);

const utf8Bytes = (text: string): number => Buffer.byteLength(text);

function attributeBytes(item: Item, textBytes: (text: string) => number): number {
  let bytes = 0;
  for (const name of Object.keys(item)) bytes += textBytes(name) + valueBytes(item[name] as AttributeValue, textBytes);
  return bytes;
}

function valueBytes(value: AttributeValue, textBytes: (text: string) => number): number {
  if (value.S !== undefined) return textBytes(value.S);
  if (value.N !== undefined) return value.N.length + 1;
  if (value.L !== undefined) return 3 + value.L.reduce((n, v) => n + 1 + valueBytes(v, textBytes), 0);
  if (value.M !== undefined) return 3 + attributeBytes(value.M, textBytes) + Object.keys(value.M).length;
  return 1;
}
