// The local run's report from a real short run (both trading bots live on the simulator under lost responses,
// the first submit's answer dropped for certain): summary.json parses with its exported schema; the order whose
// submit answer was lost has the history PENDING_SUBMIT -> UNKNOWN -> settled, with who did each step and why,
// and the fault list names that order; the recorded histories end where the journal is; the requests the bots'
// and stage 7's gateways counted are the requests the simulator answered, endpoint by endpoint; the "what
// happened" paragraph tells the story; every text is escaped; no API key or secret of any account is printed.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET } from '../../local/btcturk-sim/options';
import { parseLocalOptions } from '../../local/runner/options';
import { reportHtml } from '../../local/runner/report-html';
import { reportMarkdown } from '../../local/runner/report-md';
import { LocalRunSummarySchema, type ParsedLocalRunSummary } from '../../local/runner/report-summary-schema';
import { runLocal } from '../../local/runner/run-local';
import type { LocalRunSummary } from '../../local/runner/summary';
import { assembleWorld, botCredentials } from '../../local/runner/world';

let dir: string;
let summary: ParsedLocalRunSummary;
let raw: LocalRunSummary;
const files: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'btcbot-local-report-'));
  const options = parseLocalOptions({
    cycles: '6',
    stages: 'stage3,stage4,stage7',
    faults: 'lost-responses',
    seed: '2',
    out: dir,
  });
  const io = { out: () => {}, err: () => {} };
  const run = await runLocal(options, io, undefined, async (o) => {
    const world = await assembleWorld(o);
    // whatever the seeded stream does, the first submit's answer is lost: one order surely goes UNKNOWN
    world.sim.control.injectNext({ kind: 'drop', method: 'POST', path: '/api/v1/order' });
    return world;
  });
  expect(run.code).toBe(0);
  for (const name of ['summary.json', 'report.md', 'report.html'])
    files[name] = await readFile(join(dir, name), 'utf8');
  raw = JSON.parse(files['summary.json'] ?? '') as LocalRunSummary;
  summary = LocalRunSummarySchema.parse(raw);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the local run report', () => {
  it('shows the lost submit as PENDING_SUBMIT -> UNKNOWN -> settled, with who and why, linked to its fault', () => {
    const lost = summary.orders.filter((o) => o.history.some((s) => s.to === 'UNKNOWN'));
    expect(lost.length).toBeGreaterThanOrEqual(1);
    const order = lost[0];
    if (order === undefined) throw new Error('expected an order that went UNKNOWN');
    const steps = order.history;
    expect(steps.map((s) => s.to).slice(0, 2)).toEqual(['PENDING_SUBMIT', 'UNKNOWN']);
    expect(steps[1]).toMatchObject({ from: 'PENDING_SUBMIT', event: 'SUBMIT_UNCERTAIN', by: `${order.stage} cycle` });
    expect(steps[1]?.cause).toMatch(/^submit outcome unknown, /);
    const settled = steps.find((s) => s.from === 'UNKNOWN' && s.to !== 'UNKNOWN');
    expect(settled?.by).toBe('reconcile');
    expect(settled?.cause).toMatch(
      /^reconciled: found by client id, seen (open|partly filled|filled|canceled) on the venue/,
    );
    expect(order.status).not.toBe('UNKNOWN');

    const fault = summary.faults.list.find((f) => f.clientOrderId === order.clientOrderId);
    expect(fault).toMatchObject({ endpoint: 'POST /api/v1/order', kind: 'answer-lost' });
    expect(fault?.followUp).toContain(`order ${order.clientOrderId} went UNKNOWN, now ${order.status}`);
    expect(summary.whatHappened.join(' ')).toMatch(
      /went UNKNOWN \(its submit was processed, then the connection closed/,
    );
    expect(summary.whatHappened.join(' ')).toContain('by reconcile (found by client id)');
  });

  it("records every order's history from its creation to the status the journal holds now", () => {
    expect(summary.orders.length).toBeGreaterThan(0);
    for (const o of summary.orders) {
      expect(o.history[0]).toMatchObject({ from: null, to: 'PENDING_SUBMIT', event: 'CREATED' });
      expect(o.history.at(-1)?.to).toBe(o.status);
      // each step starts where the previous one ended
      o.history.slice(1).forEach((s, i) => {
        expect(s.from).toBe(o.history[i]?.to);
      });
    }
  });

  it("counts the same requests on the bots' and stage 7's gateways as the simulator answered, endpoint by endpoint", () => {
    const { bots, stage7, simulator } = summary.requests;
    const endpoints = new Set([...Object.keys(bots), ...Object.keys(stage7 ?? {}), ...Object.keys(simulator)]);
    for (const e of endpoints) expect([e, (bots[e] ?? 0) + (stage7?.[e] ?? 0)]).toEqual([e, simulator[e] ?? 0]);
    expect(Object.values(simulator).reduce((n, x) => n + x, 0)).toBe(summary.faults.requests);
    expect(summary.faults.injected).toBe(summary.faults.list.length);
    expect(summary.faults.retried).toBe(summary.faults.list.filter((f) => f.followUp.startsWith('retried')).length);
  });

  it('has a timeline row per trading cycle, and every idle one says why', () => {
    const trading = summary.cycles.filter((c) => c.stage !== 'stage7');
    expect(summary.timeline).toHaveLength(trading.length);
    for (const row of summary.timeline) {
      const acted = row.submitted + row.simulated + row.uncertain > 0;
      expect([row.stage, row.index, acted || row.why.length > 0]).toEqual([row.stage, row.index, true]);
    }
    expect(summary.bots.map((b) => b.stage)).toEqual(['stage3', 'stage4']);
    for (const b of summary.bots) expect(b.equitySeries).toHaveLength(6);
  });

  it('renders the sections in both reports', () => {
    const md = files['report.md'] ?? '';
    for (const title of [
      '## What happened',
      '## Trading cycles: decisions and why nothing was traded',
      '## Order status history',
      '## Faults injected and retries',
      '## Requests per endpoint',
      '## Stage 7 (simulated)',
    ])
      expect(md).toContain(title);
    expect(md).toMatch(/\| PENDING_SUBMIT \| UNKNOWN \| SUBMIT_UNCERTAIN \|/);
    const html = files['report.html'] ?? '';
    for (const id of ['what-happened', 'equity', 'cycles', 'order-history', 'faults', 'requests'])
      expect(html).toContain(`<section id="${id}">`);
  });

  it('escapes every text it renders', () => {
    const evil = '<img src=x onerror=alert(1)> | x';
    const poisoned: LocalRunSummary = {
      ...raw,
      whatHappened: [evil],
      timeline: raw.timeline.map((r) => ({ ...r, why: [evil], decisions: [evil] })),
    };
    const html = reportHtml(poisoned);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // a `|` in a cell cannot open a new markdown column
    expect(reportMarkdown(poisoned)).toContain('alert(1)> \\| x |');
  });

  it('prints no API key or secret of any simulator account', () => {
    const other = botCredentials('stage4', false);
    for (const [name, text] of Object.entries(files)) {
      for (const secret of [DEFAULT_API_KEY, DEFAULT_API_SECRET, other.apiKey, other.apiSecret])
        expect([name, text.includes(secret)]).toEqual([name, false]);
    }
  });
});
