// Scheduled events into the stage 3 handler (functions/stage3-cycle/handler.ts), live against the in-process
// simulator: any JSON, and mutations of the EventBridge rule and Scheduler events (ids, detail-type, source,
// times that are no instant or absurd, schedule ARNs with odd or very long names). Invariants, per input:
// - a refused event is a ValidationError and nothing happened: no venue request, no journal row, no audit,
//   the lease never taken;
// - an accepted event is a Scheduled Event of aws.events or aws.scheduler whose time is a real instant; its
//   cycle ran to a status, left no order PENDING_SUBMIT and the lease released, and its cycle id fits the
//   state table's keys (DynamoDB: partition key <= 2048 bytes, sort key <= 1024), or the audit written at
//   the end of a cycle that already placed orders would fail.
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { keys } from '../../shared/adapters/dynamodb/keys';
import type { Stage3CycleResult } from '../../shared/application/stage3/run-stage3-cycle';
import { ValidationError } from '../../shared/domain/errors';
import { JOURNAL_STATUSES } from '../../shared/domain/order-state';
import { anyJson, mutatedRecord, oddText } from '../support/arbitraries';
import { Boundary, fuzz, judge, oneOf, runsOr, settle, type Verdict, withProblems } from './support/fuzz-runner';
import { STAGE3_START_MS, type Stage3World, stage3World } from './support/stage3-world';

const boundary = new Boundary('scheduled-event');
afterAll(() => console.log(boundary.line()));

const STATUSES = ['completed', 'blocked', 'locked', 'stale_market_data', 'lease_lost', 'expired'];
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

async function sideEffects(w: Stage3World): Promise<string[]> {
  const out: string[] = [];
  if (w.venueRequests() > 0) out.push(`${w.venueRequests()} venue requests`);
  const rows = await w.stores.journal.listByStatus(w.account, JOURNAL_STATUSES);
  if (rows.length > 0) out.push(`${rows.length} journal rows`);
  const audits = await w.stores.audits.latest('stage3', w.account, 5);
  if (audits.length > 0) out.push(`${audits.length} audits`);
  if ((await w.stores.leases.read(`trading#${w.account}`)) !== undefined) out.push('the lease was taken');
  return out;
}

function notAScheduledEvent(event: unknown): string | undefined {
  if (!isObject(event)) return 'not an object';
  if (event['detail-type'] !== 'Scheduled Event') return `detail-type ${JSON.stringify(event['detail-type'])}`;
  if (event.source !== 'aws.events' && event.source !== 'aws.scheduler')
    return `source ${JSON.stringify(event.source)}`;
  if (typeof event.time !== 'string' || !Number.isFinite(Date.parse(event.time))) {
    return `time ${JSON.stringify(event.time)} is no instant`;
  }
  return undefined;
}

async function afterRun(w: Stage3World, event: unknown, result: Stage3CycleResult): Promise<string[]> {
  const out: string[] = [];
  const why = notAScheduledEvent(event);
  if (why !== undefined) out.push(`accepted an event that is no scheduled event: ${why}`);
  if (!STATUSES.includes(result.status)) out.push(`status ${JSON.stringify(result.status)}`);
  const pending = await w.stores.journal.listByStatus(w.account, ['PENDING_SUBMIT']);
  if (pending.length > 0) out.push(`${pending.length} orders left PENDING_SUBMIT`);
  const lease = await w.stores.leases.read(`trading#${w.account}`);
  if (lease !== undefined && lease.expiresAtMs > w.nowMs()) out.push('the lease is still held');
  const [audit] = await w.stores.audits.latest('stage3', w.account, 1);
  if (audit === undefined) out.push('no cycle audit');
  else {
    const pk = keys.cycleAudit(audit.cycleId).pk;
    const sk = keys.cycleAuditSort(audit.startedAtMs, audit.cycleId);
    if (bytes(pk) > MAX_PARTITION_KEY_BYTES || bytes(sk) > MAX_SORT_KEY_BYTES) {
      out.push(`cycle id of ${audit.cycleId.length} characters: audit keys of ${bytes(pk)} and ${bytes(sk)} bytes`);
    }
  }
  return out;
}

async function check(event: unknown): Promise<Verdict> {
  const w = stage3World();
  const settled = await settle(() => w.handle(event));
  const verdict = judge(settled, () => [], oneOf(ValidationError));
  if (settled.ok) return withProblems(verdict, await afterRun(w, event, settled.value));
  const effects = await sideEffects(w);
  return withProblems(verdict, effects.length > 0 ? [`refused, but: ${effects.join(', ')}`] : []);
}

// ------------------------------------------------------------------------------------------- inputs

const iso = (ms: number) => new Date(ms).toISOString();
const ruleEvent = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: iso(STAGE3_START_MS),
  region: 'eu-central-1',
  resources: ['arn:aws:events:eu-central-1:123456789012:rule/btcbot-dev-stage3'],
  detail: {},
};
const scheduleArn = (name: string) => `arn:aws:scheduler:eu-central-1:123456789012:schedule/default/${name}`;
const schedulerEvent = { ...ruleEvent, source: 'aws.scheduler', resources: [scheduleArn('btcbot-prod-stage3')] };

/** Times near the start (a fresh firing, or one too old) and times that are no instant or absurd */
const time = fc.oneof(
  fc.integer({ min: -3_600_000, max: 60_000 }).map((d) => iso(STAGE3_START_MS + d)),
  fc.constantFrom(
    '2026-11-21T12:00:00',
    '2026-11-21',
    '2026-02-30T12:00:00Z',
    '2026-11-21T25:00:00Z',
    '2026-11-21T12:00:60Z',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '+275760-09-13T00:00:00Z',
    '2026-11-21T12:00:00+14:00',
    '2026-11-21T12:00:00.123456789Z',
    'Sat, 21 Nov 2026 12:00:00 GMT',
    '1763726400000',
    `2026-11-21T12:00:00.${'1'.repeat(3000)}Z`,
  ),
  fc.constant(STAGE3_START_MS),
  oddText,
);

const scheduleName = fc.oneof(
  fc.stringMatching(/^[0-9A-Za-z_.-]{1,64}$/),
  oddText,
  fc.integer({ min: 65, max: 2100 }).map((n) => '#'.repeat(n)),
);
const resources = fc.oneof(
  scheduleName.map((n) => [scheduleArn(n)]),
  fc.constantFrom([], [''], ['x'.repeat(2048)], ['x'.repeat(2049)], ['arn:aws:scheduler:eu-central-1:1:schedule/']),
  fc.array(oddText, { maxLength: 3 }),
  anyJson,
);

const odd = {
  id: fc.oneof(oddText, fc.uuid(), fc.constant('x'.repeat(129))),
  'detail-type': fc.constantFrom('Scheduled event', 'Scheduled Event ', '', 'Object Created'),
  source: fc.constantFrom('aws.s3', 'AWS.EVENTS', 'aws.events ', 'aws.scheduler.x', ''),
  time,
  resources,
};

/** Well-formed events of either source: fresh or too old, any valid id and schedule name */
const wellFormed = fc
  .record({
    id: fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 128 })),
    source: fc.constantFrom('aws.events', 'aws.scheduler'),
    time: fc.integer({ min: -3_600_000, max: 60_000 }).map((d) => iso(STAGE3_START_MS + d)),
    resources: fc.stringMatching(/^[0-9A-Za-z_.-]{1,64}$/).map((n) => [scheduleArn(n)]),
  })
  .map((fields) => ({ ...ruleEvent, ...fields }));

describe('fuzz: scheduled events into the stage 3 handler', () => {
  it('mutated rule and Scheduler events: refused with nothing done, or one whole cycle', async () => {
    const event = fc.oneof(mutatedRecord(ruleEvent, odd), mutatedRecord(schedulerEvent, odd));
    await fuzz(boundary, event, check, runsOr(10000));
  });

  it('well-formed events: one whole cycle each', async () => {
    await fuzz(boundary, wellFormed, check, runsOr(4000));
  });

  it('any JSON as the event', async () => {
    await fuzz(boundary, anyJson, check, runsOr(4000));
  });
});
