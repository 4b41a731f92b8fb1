// Spec 4.1-4.2 end to end on memory stores and the in-process BTCTurk simulator: what a cycle plans, places,
// fills and stores; cash conservation of the simulated account against the ledger; crash at every store
// write then a re-run of the same cycle id; determinism of two worlds; refusals; no exchange write.
import { describe, expect, it } from 'vitest';
import { LOCAL_START_MS } from '../../../local/runner/world';
import { createMemoryStateStores } from '../../../shared/adapters/memory/state-stores';
import { updateOpState } from '../../../shared/application/op-state';
import type { RiskDecisionDocument } from '../../../shared/application/stage7/cycle-documents';
import {
  clearStage7KillChain,
  killChainKey,
  readStage7KillChain,
} from '../../../shared/application/stage7/cycle-kill-chain';
import { stage7LedgerAccount } from '../../../shared/application/stage7/cycle-ledger';
import { Stage7RefusedError } from '../../../shared/application/stage7/cycle-preconditions';
import { utcDayStart } from '../../../shared/domain/ledger/ledger-state';
import { type Dec, dec, maxDec, sumDec, ZERO } from '../../../shared/domain/money';
import { CASH_ASSET } from '../../../shared/domain/portfolio/simulated-account';
import { splitSymbol } from '../../../shared/domain/symbols';
import type { Exchange } from '../../../shared/ports/exchange';
import type { Stage7CycleWrite, Stage7RunMetricsRow } from '../../../shared/ports/stage7-store';
import { dump, InjectedCrash, tapStores, type WriteTap } from './stage7-faults';
import { type Stage7World, stage7World } from './stage7-world';

const ACCOUNT = 'default';
const FENCE = { name: 'stage7#default', epoch: 0 };

/** Public market reads only: the endpoints a stage 7 cycle may reach */
const PUBLIC = /^GET \/api\/v2\/(ticker|server\/exchangeinfo|server\/time)$/;

async function stored(w: Stage7World) {
  const state = await w.stores.stage7.load(ACCOUNT, FENCE);
  const ledger = await w.stores.ledger.list(stage7LedgerAccount(ACCOUNT));
  return { state, ledger };
}

const riskDocument = (s: Awaited<ReturnType<typeof stored>>): RiskDecisionDocument =>
  s.state.documents.riskDecision.value as unknown as RiskDecisionDocument;

/** TRY + holdings at cost = start - fees, and each base balance = the ledger's net quantity */
async function expectConserved(w: Stage7World) {
  const { state, ledger } = await stored(w);
  const balances = state.documents.account.value ?? {};
  const held = (asset: string): Dec => {
    const b = balances[asset];
    return b ? b.free.add(b.locked) : ZERO;
  };
  const fills = ledger.filter((e) => e.type === 'FILL');
  const fees = sumDec(ledger.filter((e) => e.type === 'FEE').map((e) => e.fee));
  const signed = (e: (typeof fills)[number], x: Dec) => (e.side === 'BUY' ? x : x.neg());
  const costTry = sumDec(fills.map((e) => signed(e, e.qty.mul(e.price))));
  expect(held(CASH_ASSET).add(costTry).toFixed()).toBe(w.deps.settings.DRY_RUN_TRY_BALANCE.sub(fees).toFixed());
  for (const asset of Object.keys(balances).filter((a) => a !== CASH_ASSET)) {
    const qty = sumDec(fills.filter((e) => splitSymbol(e.symbol).base === asset).map((e) => signed(e, e.qty)));
    expect(held(asset).toFixed(), asset).toBe(qty.toFixed());
  }
  return { ledger, state };
}

describe('stage 7 cycle on memory stores and the in-process simulator', () => {
  it('a first cycle plans, places simulated orders, fills some, writes the ledger and the store', async () => {
    const w = stage7World();
    const r = await w.cycle('c1');
    expect(r.status).toBe('completed');
    if (r.status !== 'completed') return;
    expect(r.finalMode).toBe('NORMAL');
    expect(r.row.counts.planned).toBeGreaterThan(0);
    expect(r.row.counts.omsSubmitted).toBeGreaterThan(0);
    expect(r.row.counts.omsFilled).toBeGreaterThan(0);
    const { state, ledger } = await stored(w);
    expect(ledger.length).toBeGreaterThan(0);
    expect(r.ledgerEventsAppended).toBe(ledger.length);
    expect(ledger.every((e) => e.account === stage7LedgerAccount(ACCOUNT))).toBe(true);
    expect(state.runMetrics.map((m) => m.cycleId)).toEqual(['c1']);
    expect(state.params.active.value?.version).toBe(1);
    expect(state.documents.account.value?.TRY?.free.lt(w.deps.settings.DRY_RUN_TRY_BALANCE)).toBe(true);
    expect(state.documents.riskDecision.value).toMatchObject({ cycleId: 'c1', mode: 'NORMAL' });
  });

  it('conserves cash over several cycles: TRY + holdings at cost = start - fees', async () => {
    const w = stage7World();
    for (let i = 1; i <= 6; i++) expect((await w.cycle(`c${i}`)).status).toBe('completed');
    const { ledger, state } = await expectConserved(w);
    expect(ledger.some((e) => e.type === 'FEE')).toBe(true);
    expect(state.runMetrics).toHaveLength(5);
  });

  it('makes public market reads only and never an exchange write', async () => {
    const w = stage7World();
    for (let i = 1; i <= 3; i++) await w.cycle(`c${i}`);
    expect(w.exchange.writes).toEqual({ submits: 0, cancels: 0 });
    const endpoints = [...w.received.keys()];
    expect(endpoints.length).toBeGreaterThan(0);
    expect(endpoints.filter((e) => !PUBLIC.test(e))).toEqual([]);
  });

  it("kill chain: consecutive failed cycles set stage 7's own kill switch, and the next cycle observes only", async () => {
    const stores = createMemoryStateStores();
    const broken = { ...stores, stage7: { ...stores.stage7, load: () => Promise.reject(new RangeError('boom')) } };
    const w = stage7World({ stores: broken as typeof stores });
    const max = w.deps.settings.KILL_CHAIN_MAX_CONSECUTIVE_ERRORS;
    for (let i = 1; i <= max; i++) await expect(w.cycle(`f${i}`)).rejects.toThrow('boom');
    const { chain } = await readStage7KillChain(stores.documents, ACCOUNT);
    expect(chain).toMatchObject({ consecutiveErrors: max, killSwitch: { on: true, reason: 'kill_chain:RangeError' } });
    expect(chain.killSwitch?.expiresAtMs).toBeUndefined();
    // the role's switch: the account's op-state (which stops live orders of stage 3 and 4) is untouched
    expect(await stores.documents.get('opstate#default')).toBeUndefined();
    const healthy = stage7World({ stores });
    const r = await healthy.cycle('c1');
    expect(r.status === 'completed' && r.finalMode).toBe('OBSERVE_ONLY');
    expect(r.status === 'completed' && r.row.counts.omsSubmitted).toBe(0);
    // a healthy cycle resets the count, not the switch: only the operator's clear lifts it
    expect((await readStage7KillChain(stores.documents, ACCOUNT)).chain.consecutiveErrors).toBe(0);
    expect(await clearStage7KillChain(stores.documents, ACCOUNT)).toMatchObject({ reason: 'kill_chain:RangeError' });
    // the observe-only decision carries the risk budget's cooldown (spec 4.4 step 8) past the clear
    const cooldownMs = healthy.deps.settings.RISK_COOLDOWN_SEC * 1000;
    const after = await healthy.cycle('c2', undefined, cooldownMs);
    expect(after.status === 'completed' && after.finalMode).toBe('NORMAL');
  });

  it('kill chain: with KILL_CHAIN_COOLDOWN_SECONDS the switch expires and the next cycle trades again', async () => {
    const stores = createMemoryStateStores();
    const broken = { ...stores, stage7: { ...stores.stage7, load: () => Promise.reject(new RangeError('boom')) } };
    const settings = { KILL_CHAIN_COOLDOWN_SECONDS: 600, RISK_COOLDOWN_SEC: 0 };
    const w = stage7World({ stores: broken as typeof stores, settings });
    for (let i = 1; i <= w.deps.settings.KILL_CHAIN_MAX_CONSECUTIVE_ERRORS; i++)
      await expect(w.cycle(`f${i}`)).rejects.toThrow('boom');
    const { chain } = await readStage7KillChain(stores.documents, ACCOUNT);
    expect(chain.killSwitch?.expiresAtMs).toBe((chain.killSwitch?.sinceMs ?? 0) + 600_000);
    const healthy = stage7World({ stores, settings });
    healthy.clock.set(w.clock.nowMs());
    const during = await healthy.cycle('c1', undefined, 60_000);
    expect(during.status === 'completed' && during.finalMode).toBe('OBSERVE_ONLY');
    const after = await healthy.cycle('c2', undefined, 600_000);
    expect(after.status === 'completed' && after.finalMode).toBe('NORMAL');
  });

  it("ignores the account's stored op-state kill switch: it guards live orders, and stage 7 sends none", async () => {
    const w = stage7World();
    await updateOpState(w.stores.documents, ACCOUNT, (s) => ({
      ...s,
      killSwitch: { on: true, reason: 'reconcile_exhausted:x', sinceMs: 0 },
    }));
    const r = await w.cycle('c1');
    expect(r.status === 'completed' && r.finalMode).toBe('NORMAL');
    expect(r.status === 'completed' && r.row.counts.omsSubmitted).toBeGreaterThan(0);
  });

  it('values a holding the ticker read missed at its last mark: no false drawdown, the missing mark counted', async () => {
    let down = false;
    const w = stage7World({
      wrapExchange: (inner) =>
        ({
          ...inner,
          tickers: () => (down ? Promise.reject(new Error('venue down')) : inner.tickers()),
        }) as Exchange,
    });
    const bought = await w.cycle('c1');
    if (bought.status !== 'completed') throw new Error(bought.status);
    const held = Object.keys((await stored(w)).state.documents.account.value ?? {}).filter((a) => a !== CASH_ASSET);
    expect(held.length).toBeGreaterThan(0);
    down = true;
    const blind = await w.cycle('c2');
    if (blind.status !== 'completed') throw new Error(blind.status);
    // nothing traded and nothing repriced: the equity is the last one measured, not the cash alone
    expect(blind.row.equityTry.toFixed()).toBe(bought.row.equityTry.toFixed());
    expect(blind.row.maxDrawdownRatio.toFixed()).toBe(bought.row.maxDrawdownRatio.toFixed());
    expect(blind.row.counts.missingMarkDecisions).toBe(held.length);
    expect(blind.row.qualityFlags.missing_mark_price).toBe(true);
  });

  it('a cycle that succeeds over a degraded API does not reset the kill chain count', async () => {
    const stores = createMemoryStateStores();
    const broken = { ...stores, stage7: { ...stores.stage7, load: () => Promise.reject(new RangeError('boom')) } };
    await expect(stage7World({ stores: broken as typeof stores }).cycle('f1')).rejects.toThrow('boom');
    const degraded = stage7World({
      stores,
      wrapExchange: (inner) => ({ ...inner, tickers: () => Promise.reject(new Error('venue down')) }) as Exchange,
    });
    expect((await degraded.cycle('c1')).status).toBe('completed');
    expect((await readStage7KillChain(stores.documents, ACCOUNT)).chain.consecutiveErrors).toBe(1);
  });

  it('two cycles in one second (one millisecond even) both save, each with its own adaptation change row', async () => {
    const w = stage7World();
    // observe-only cycles: adaptation refuses (mode_not_normal) and writes a change row of unchanged params
    await w.stores.documents.put(
      killChainKey(ACCOUNT),
      JSON.stringify({
        consecutiveErrors: 0,
        killSwitch: { on: true, reason: 'kill_chain:Test', sinceMs: LOCAL_START_MS },
      }),
      0,
    );
    const saves: Stage7CycleWrite[] = [];
    const save = w.stores.stage7.saveCycle.bind(w.stores.stage7);
    w.stores.stage7.saveCycle = (write, fence) => {
      saves.push(write);
      return save(write, fence);
    };
    expect((await w.cycle('c1')).status).toBe('completed');
    const a = await w.cycle('c2');
    const b = await w.cycle('c3', undefined, 0);
    expect(a.status).toBe('completed');
    expect(b.status).toBe('completed');
    if (a.status !== 'completed' || b.status !== 'completed') return;
    expect(b.row.tsMs).toBe(a.row.tsMs);
    const changes = saves.map((x) => x.params?.change);
    expect(changes.map((c) => c?.outcome)).toEqual(['REJECTED', 'REJECTED', 'REJECTED']);
    expect(new Set(changes.map((c) => c?.changeId)).size).toBe(3);
    for (const c of changes) expect(c?.changeId).toMatch(/^s7chg:20260105\d{6}:1->1:[0-9a-f]{10}$/);
    const { state } = await stored(w);
    expect(state.runMetrics.map((m) => m.cycleId)).toEqual(['c3', 'c2', 'c1']);
  });

  it('measures the drawdown from the peak equity: the market rises, then falls', async () => {
    let scale = dec('1');
    const moved = (inner: Exchange): Exchange => ({
      ...inner,
      tickers: async () => (await inner.tickers()).map((q) => ({ ...q, bid: q.bid.mul(scale), ask: q.ask.mul(scale) })),
    });
    const w = stage7World({ wrapExchange: moved });
    const start = w.deps.settings.DRY_RUN_TRY_BALANCE;
    const rows: Stage7RunMetricsRow[] = [];
    for (const [i, s] of ['1', '1.5', '0.8'].entries()) {
      scale = dec(s);
      const r = await w.cycle(`c${i + 1}`);
      if (r.status !== 'completed') throw new Error(r.status);
      rows.push(r.row);
    }
    const [, risen, fallen] = rows as [Stage7RunMetricsRow, Stage7RunMetricsRow, Stage7RunMetricsRow];
    // the rise made a new peak above the start; the fall took equity below the peak but not below the start
    expect(risen.equityTry.gt(start)).toBe(true);
    expect(fallen.equityTry.lt(risen.equityTry)).toBe(true);
    const peak = rows.reduce((m, r) => maxDec(m, r.equityTry), start);
    expect(peak.eq(risen.equityTry)).toBe(true);
    const fromPeak = peak.sub(fallen.equityTry).div(peak);
    expect(fromPeak.gt(0)).toBe(true);
    expect(fallen.maxDrawdownRatio.toFixed()).toBe(maxDec(rows[0]?.maxDrawdownRatio ?? ZERO, fromPeak).toFixed());
    const marks = riskDocument(await stored(w)).marks;
    expect(marks).toMatchObject({ peakEquityTry: risen.equityTry.toFixed(), peakAtMs: risen.tsMs });
  });

  it('keeps the day-start PnL and the fees of today across more than 5 cycles of a day, rolled at 00:00 UTC', async () => {
    const w = stage7World();
    const day1: Stage7RunMetricsRow[] = [];
    for (let i = 1; i <= 2; i++) {
      const r = await w.cycle(`d1-${i}`);
      if (r.status !== 'completed') throw new Error(r.status);
      day1.push(r.row);
    }
    const lastOfDay1 = day1[1] as Stage7RunMetricsRow;
    expect(lastOfDay1.feesTry.gt(0)).toBe(true);
    const day2: Stage7RunMetricsRow[] = [];
    const decided: string[][] = [];
    const expected: string[][] = [];
    const kept: unknown[] = [];
    for (let i = 1; i <= 8; i++) {
      const gap = i === 1 ? 86_400_000 : 60_000;
      const r = await w.cycle(`d2-${i}`, undefined, gap);
      if (r.status !== 'completed') throw new Error(r.status);
      expect(utcDayStart(r.row.tsMs)).toBe(utcDayStart(lastOfDay1.tsMs) + 86_400_000);
      // what the cycle decided with: the measurements of today's earlier cycles against the last of yesterday
      const previous = day2.at(-1) ?? lastOfDay1;
      const doc = riskDocument(await stored(w));
      decided.push([doc.cycleId, doc.metrics.feeBurnTodayTry, doc.metrics.dailyPnlTry]);
      expected.push([
        `d2-${i}`,
        (i === 1 ? ZERO : previous.feesTry.sub(lastOfDay1.feesTry)).toFixed(),
        previous.netPnlTry.sub(lastOfDay1.netPnlTry).toFixed(),
      ]);
      kept.push(doc.marks);
      day2.push(r.row);
    }
    expect(decided).toEqual(expected);
    expect(kept).toEqual(
      day2.map((r) => ({
        peakEquityTry: expect.any(String),
        peakAtMs: expect.any(Number),
        dayMs: utcDayStart(r.tsMs),
        dayStart: { atMs: lastOfDay1.tsMs, netPnlTry: lastOfDay1.netPnlTry.toFixed() },
        feesTodayTry: r.feesTry.sub(lastOfDay1.feesTry).toFixed(),
        lastMarks: expect.any(Object),
      })),
    );
    expect(day2.at(-1)?.feesTry.gt(day2[0]?.feesTry ?? ZERO)).toBe(true);
  });

  it('refuses a live-armed environment, a run that is not dry-run and a disabled stage 7, touching nothing', async () => {
    for (const [settings, reason] of [
      [{ LIVE_TRADING: true, LIVE_TRADING_ACK: 'I_UNDERSTAND' }, 'live_armed'],
      [{ DRY_RUN: false }, 'not_dry_run'],
      [{ STAGE7_ENABLED: false }, 'disabled'],
    ] as const) {
      const w = stage7World({ settings });
      const refused = await w.cycle('c1').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(Stage7RefusedError);
      expect((refused as Stage7RefusedError).reason).toBe(reason);
      expect(w.received.size).toBe(0);
      expect(await w.stores.leases.read('stage7#default')).toBeUndefined();
      expect((await stored(w)).state.runMetrics).toEqual([]);
    }
  });

  it('two worlds with the same seed write byte-identical store contents', async () => {
    const run = async () => {
      const tap: WriteTap = { log: [], count: 0 };
      const w = stage7World({ stores: tapStores(createMemoryStateStores(), tap) });
      for (let i = 1; i <= 4; i++) await w.cycle(`c${i}`, `inv-${i}`);
      const { state, ledger } = await stored(w);
      return dump({ writes: tap.log, state, ledger });
    };
    const a = await run();
    expect(a.length).toBeGreaterThan(1000);
    expect(await run()).toBe(a);
  });

  it('after a crash at any store write, re-running the cycle id writes nothing twice and misses nothing', async () => {
    // the writes of a clean cycle: one saveCycle, one ledger append (kill chain writes only on failures)
    const clean: WriteTap = { log: [], count: 0 };
    const cw = stage7World({ stores: tapStores(createMemoryStateStores(), clean) });
    await cw.cycle('c1');
    await cw.cycle('c2');
    const writesPerRun = clean.count;
    // the runtime document's write is observability: a crash there is logged, never the cycle's (record-runtime.ts)
    const runtimeWrites = clean.log.filter((l) => l.startsWith('documents.put {"key":"runtime#')).length;
    expect(writesPerRun).toBeGreaterThanOrEqual(4);
    let crashes = 0;
    for (let n = 1; n <= writesPerRun; n++) {
      for (const after of [false, true]) {
        const tap: WriteTap = { log: [], count: 0, failAt: { n, after } };
        const w = stage7World({ stores: tapStores(createMemoryStateStores(), tap) });
        const ids = ['c1', 'c2'];
        for (const id of ids) {
          const first = await w.cycle(id).catch((e: unknown) => e);
          if (first instanceof Error) {
            expect(first).toBeInstanceOf(InjectedCrash);
            crashes += 1;
            expect(['completed', 'already_saved']).toContain((await w.cycle(id)).status);
          }
        }
        const { ledger, state } = await expectConserved(w);
        expect(state.runMetrics.map((m) => m.cycleId)).toEqual(['c2', 'c1']);
        expect(new Set(ledger.map((e) => e.eventId)).size).toBe(ledger.length);
        // once more: nothing left to write
        const before = tap.log.length;
        const again = await w.cycle('c2');
        expect(again).toEqual({ status: 'already_saved', ledgerEventsAppended: 0 });
        expect(tap.log.length).toBe(before);
      }
    }
    expect(crashes).toBe(2 * (writesPerRun - runtimeWrites));
  });
});
