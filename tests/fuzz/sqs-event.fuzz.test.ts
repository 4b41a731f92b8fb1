// SQS events into the reconcile handler (functions/reconcile/handler.ts) with in-memory dependencies: any
// JSON as the event, batches mixing valid records (for unknown orders and for the one order in flight) with
// records that are null, lack a message id, carry a non-string body, a body that is not JSON, or JSON that is
// not our message (mutations of a valid one). Invariants, per input:
// - the handler never throws (a throw fails the whole batch, valid records included);
// - every batchItemFailures itemIdentifier is the message id of an identified record of the batch;
// - every identified malformed record is reported (so it reaches the DLQ), every unidentified one is not;
// - each valid record fails exactly when it fails in a batch of the valid records alone (no neighbour
//   changes its fate);
// - nothing is written for a malformed record: journal and op-state writes only for the order in flight,
//   and only when a valid record names it; no message is ever sent.
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { anyJson, mutatedRecord, oddEpochText, oddText } from '../support/arbitraries';
import { Boundary, fuzz, judge, runsOr, settle, type Verdict, withProblems } from './support/fuzz-runner';
import { ACCOUNT, KNOWN_ORDER, MAX_RECEIVES, reconcileWorld, START_MS } from './support/reconcile-world';

const boundary = new Boundary('sqs-event');
afterAll(() => console.log(boundary.line()));

const REASONS = ['submit_uncertain', 'cancel_uncertain', 'recovery'];
const MESSAGE_KEYS = ['account', 'clientOrderId', 'enqueuedAtMs', 'reason'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The reconcile message format, stated independently of its zod schema: strict, our own */
function validMessage(body: unknown): { clientOrderId: string } | undefined {
  if (typeof body !== 'string') return undefined;
  let m: unknown;
  try {
    m = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isObject(m) || Object.keys(m).sort().join() !== MESSAGE_KEYS.join()) return undefined;
  const { account, clientOrderId, reason, enqueuedAtMs } = m;
  const ok =
    typeof account === 'string' &&
    account.length > 0 &&
    typeof clientOrderId === 'string' &&
    clientOrderId.length >= 1 &&
    clientOrderId.length <= 50 &&
    typeof reason === 'string' &&
    REASONS.includes(reason) &&
    Number.isSafeInteger(enqueuedAtMs) &&
    (enqueuedAtMs as number) >= 0;
  return ok ? { clientOrderId } : undefined;
}

interface Classified {
  readonly ids: ReadonlySet<string>;
  readonly valid: readonly Record<string, unknown>[];
  readonly malformed: readonly string[];
  readonly duplicateIds: boolean;
  readonly namesKnown: number;
  /** A valid record whose ApproximateReceiveCount (decimal digits, as SQS writes it) is the last delivery */
  readonly lastDelivery: boolean;
}

/** Which records the handler can name (an object with a non-empty string message id), and which are valid */
function classify(event: unknown): Classified {
  const raw = isObject(event) && Array.isArray(event.Records) ? (event.Records as unknown[]) : [];
  const identified = raw.filter(
    (r): r is Record<string, unknown> => isObject(r) && typeof r.messageId === 'string' && r.messageId.length > 0,
  );
  const ids = identified.map((r) => r.messageId as string);
  const valid = identified.filter((r) => validMessage(r.body) !== undefined);
  return {
    ids: new Set(ids),
    valid,
    malformed: identified.filter((r) => validMessage(r.body) === undefined).map((r) => r.messageId as string),
    duplicateIds: new Set(ids).size !== ids.length,
    namesKnown: valid.filter((r) => validMessage(r.body)?.clientOrderId === KNOWN_ORDER).length,
    lastDelivery: valid.some((r) => {
      const count = isObject(r.attributes) ? r.attributes.ApproximateReceiveCount : undefined;
      return typeof count === 'string' && /^\d+$/.test(count) && Number(count) >= MAX_RECEIVES;
    }),
  };
}

function failuresOf(response: unknown): { ids: string[]; problems: string[] } {
  if (!isObject(response) || !Array.isArray(response.batchItemFailures)) {
    return { ids: [], problems: [`expected { batchItemFailures: [...] }, was ${JSON.stringify(response)}`] };
  }
  const problems: string[] = [];
  const ids: string[] = [];
  for (const f of response.batchItemFailures as unknown[]) {
    const id = isObject(f) ? f.itemIdentifier : undefined;
    if (typeof id !== 'string' || id.length === 0) problems.push(`invalid itemIdentifier ${JSON.stringify(f)}`);
    else ids.push(id);
  }
  return { ids, problems };
}

async function check(event: unknown): Promise<Verdict> {
  const c = classify(event);
  const world = await reconcileWorld();
  const settled = await settle(() => world.handle(event));
  // a typed error escaping the handler also fails the whole batch: every throw is a violation here
  const verdict = judge(
    settled,
    () => [],
    (e) => [`the handler threw ${e.name} (the whole batch fails): ${e.message.slice(0, 200)}`],
  );
  if (!settled.ok) return verdict;
  const failures = failuresOf(settled.value);
  const failed = new Set(failures.ids);
  const problems = [...failures.problems];
  for (const id of failed) if (!c.ids.has(id)) problems.push(`reported ${JSON.stringify(id)}, no record of the batch`);
  if (!c.duplicateIds) {
    for (const id of c.malformed) if (!failed.has(id)) problems.push(`malformed record ${id} not reported`);
    if (c.namesKnown <= 1 && c.valid.length > 0) {
      const alone = await reconcileWorld();
      const expected = new Set(failuresOf(await alone.handle({ Records: c.valid })).ids);
      for (const r of c.valid) {
        const id = r.messageId as string;
        if (failed.has(id) !== expected.has(id)) {
          const was = failed.has(id) ? 'failed' : 'succeeded';
          problems.push(`valid record ${id} ${was} beside malformed records, not in a batch of the valid ones alone`);
        }
      }
    }
  }
  const known = (w: string) => w.endsWith(` ${KNOWN_ORDER}`) && !w.startsWith('create');
  const stray = world.journalWrites.filter((w) => c.namesKnown === 0 || !known(w));
  if (stray.length > 0) problems.push(`journal writes no valid record asked for: ${stray.join(', ')}`);
  if (c.namesKnown === 0 && world.documentWrites.length > 0) {
    problems.push(
      `op-state written without a valid record for the order in flight: ${world.documentWrites.join(', ')}`,
    );
  }
  if (world.sent() > 0) problems.push(`${world.sent()} messages sent by the reconcile path`);
  if ((await world.killSwitchOn()) && !c.lastDelivery) {
    problems.push('the stored kill switch was set, but no valid record was on its last delivery by a decimal count');
  }
  return withProblems(verdict, problems);
}

// ------------------------------------------------------------------------------------------- inputs

const message = (clientOrderId: string) => ({
  account: ACCOUNT,
  clientOrderId,
  reason: 'submit_uncertain',
  enqueuedAtMs: START_MS,
});
const unknownOrder = fc.stringMatching(/^bb3-BTCTRY-b-[0-9a-f]{20}$/);

const oddMessage = unknownOrder.chain((coid) =>
  mutatedRecord(message(coid), {
    account: fc.oneof(oddText, fc.constantFrom('', 'other')),
    clientOrderId: fc.oneof(oddText, fc.constant('x'.repeat(51))),
    reason: fc.constantFrom('', 'SUBMIT_UNCERTAIN', 'retry', 'recovery '),
    enqueuedAtMs: fc.oneof(
      oddEpochText.map(Number),
      oddEpochText,
      fc.constantFrom(-1, 1.5, Number.MAX_SAFE_INTEGER + 2, 1e20, Number.NaN),
    ),
  }),
);

const body: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: unknownOrder.map((coid) => JSON.stringify(message(coid))), weight: 3 },
  { arbitrary: fc.constant(JSON.stringify(message(KNOWN_ORDER))), weight: 1 },
  { arbitrary: oddMessage.map((m) => JSON.stringify(m)), weight: 4 },
  { arbitrary: anyJson.map((j) => JSON.stringify(j)), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
  { arbitrary: anyJson.filter((j) => typeof j !== 'string'), weight: 1 },
);

const attributes = fc.oneof(
  fc.integer({ min: 1, max: 12 }).map((n) => ({ ApproximateReceiveCount: String(n), SentTimestamp: String(START_MS) })),
  fc.record({
    ApproximateReceiveCount: fc.oneof(oddEpochText, fc.constantFrom('0x10', '1e3', ' 8', '8.0', '+9', '08'), anyJson),
  }),
  anyJson,
);

/** An SQS record with a usable message id (made unique in its batch by its position) */
const identifiedRecord = fc
  .record(
    {
      messageId: fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 12 })),
      receiptHandle: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), anyJson),
      body,
      attributes,
      eventSource: fc.constant('aws:sqs'),
    },
    { requiredKeys: ['messageId'] },
  )
  .map((r) => ({ ...r }));

/** Entries the handler cannot name: null, primitives, arrays, records with no usable message id */
const unidentifiedEntry = fc.oneof(
  fc.constant(null),
  anyJson.filter((j) => !isObject(j)),
  fc.record(
    {
      messageId: fc.oneof(
        fc.constant(''),
        anyJson.filter((j) => typeof j !== 'string'),
      ),
      body,
    },
    { requiredKeys: [] },
  ),
);

const records = fc
  .array(fc.oneof({ arbitrary: identifiedRecord, weight: 3 }, { arbitrary: unidentifiedEntry, weight: 1 }), {
    maxLength: 10,
  })
  .map((entries) =>
    entries.map((e, i) =>
      isObject(e) && typeof e.messageId === 'string' && e.messageId !== ''
        ? { ...e, messageId: `${e.messageId}#${i}` }
        : e,
    ),
  )
  // at most one valid record names the order in flight: two would race for it, with or without neighbours
  .filter((rs) => classify({ Records: rs }).namesKnown <= 1);

describe('fuzz: SQS events into the reconcile handler', () => {
  it('a batch of valid and malformed records: only malformed records fail, none writes anything', async () => {
    await fuzz(
      boundary,
      records.map((Records) => ({ Records })),
      check,
      runsOr(20000),
    );
  });

  it('any JSON as the event, or as its Records', async () => {
    const event = fc.oneof(
      anyJson,
      anyJson.map((Records) => ({ Records })),
      fc.array(anyJson, { maxLength: 5 }).map((Records) => ({ Records })),
      fc
        .tuple(records, fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 3 }))
        .map(([Records, extra]) => ({
          ...extra,
          Records,
        })),
    );
    await fuzz(boundary, event, check, runsOr(10000));
  });
});
