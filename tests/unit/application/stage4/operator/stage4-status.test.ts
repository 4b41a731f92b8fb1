// What `btcbot status --stage stage4` reads, on memory stores: the mode from the newest audit that decided
// one, the freeze, degrade, risk state and open replace transactions; a corrupt document or audit summary
// spoils only its own part; and reading writes nothing.
import { describe, expect, it } from 'vitest';
import { createMemoryStateStores } from '../../../../../shared/adapters/memory/state-stores';
import { readStage4Status } from '../../../../../shared/application/stage4/operator/stage4-status';
import { saveFreezeState } from '../../../../../shared/application/stage4/state/freeze-state';
import { stage4Key } from '../../../../../shared/application/stage4/state/stage4-document';
import { dec } from '../../../../../shared/domain/money';
import { evaluateFreeze, INITIAL_FREEZE_STATE } from '../../../../../shared/domain/oms/unknown-order-freeze';
import type { CycleAudit, DocumentStore, StateStores } from '../../../../../shared/ports/state-store';

const ACCOUNT = 'default';
const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const OPTIONS = { nowMs: NOW, cycles: 5, orderStatuses: ['OPEN', 'UNKNOWN'] as const };

const audit = (
  cycleId: string,
  startedAtMs: number,
  summary: object | string,
  decisions: string[] = [],
): CycleAudit => ({
  stage: 'stage4',
  account: ACCOUNT,
  cycleId,
  runId: 'run-1',
  startedAtMs,
  finishedAtMs: startedAtMs + 500,
  mode: 'LIVE',
  counts: {},
  decisions,
  summary: typeof summary === 'string' ? summary : JSON.stringify(summary),
});

/** The stores with the documents' puts counted */
function counted(): { stores: StateStores; puts: () => number } {
  const stores = createMemoryStateStores();
  let puts = 0;
  const documents: DocumentStore = {
    get: (key) => stores.documents.get(key),
    put: (key, value, version) => {
      puts += 1;
      return stores.documents.put(key, value, version);
    },
  };
  return { stores: { ...stores, documents }, puts: () => puts };
}

describe('readStage4Status', () => {
  it('reads an account with nothing stored as initial state, and writes nothing', async () => {
    const { stores, puts } = counted();
    const status = await readStage4Status(stores, ACCOUNT, OPTIONS);
    expect(status).toMatchObject({
      lease: undefined,
      cycles: [],
      mode: undefined,
      freeze: { value: { active: undefined, lastClear: undefined } },
      degrade: { value: { state: { level: 0 }, override: undefined } },
      risk: { value: undefined },
      replaceTransactions: { value: [] },
      activeOrders: [],
    });
    expect(puts()).toBe(0);
  });

  it("takes the mode and its risk reasons from the newest cycle that decided one, saying when it isn't the latest", async () => {
    const { stores } = counted();
    const decided = {
      status: 'completed',
      mode: 'LIVE',
      risk_mode: 'OBSERVE_ONLY',
      freeze_active: false,
      reasons_no_action: ['mode_gate:mode_observe_only'],
    };
    const decisions = [
      'risk_budget:DRAWDOWN_LIMIT',
      'capital:capital_error:non_monotonic_checkpoint',
      'degrade:MANUAL_OVERRIDE',
    ];
    await stores.audits.put(audit('c-1', NOW - 120_000, decided, decisions), 60);
    const stale = {
      status: 'stale_market_data',
      mode: 'LIVE',
      freeze_active: false,
      reasons_no_action: ['market_data:stale'],
    };
    await stores.audits.put(audit('c-2', NOW - 60_000, stale, ['market_data:stale']), 60);
    const status = await readStage4Status(stores, ACCOUNT, OPTIONS);
    expect(status.mode).toEqual({
      mode: 'OBSERVE_ONLY',
      cycleId: 'c-1',
      atMs: NOW - 120_000,
      latest: false,
      reasons: ['risk_budget:DRAWDOWN_LIMIT', 'capital:capital_error:non_monotonic_checkpoint'],
    });
    expect(status.cycles.map((c) => c.summary)).toEqual([
      {
        value: {
          status: 'stale_market_data',
          riskMode: undefined,
          freezeActive: false,
          reasonsNoAction: ['market_data:stale'],
        },
      },
      {
        value: {
          status: 'completed',
          riskMode: 'OBSERVE_ONLY',
          freezeActive: false,
          reasonsNoAction: ['mode_gate:mode_observe_only'],
        },
      },
    ]);
  });

  it('reports a corrupt freeze document and an unreadable audit summary without losing the rest', async () => {
    const { stores } = counted();
    await stores.documents.put(stage4Key(ACCOUNT, 'freeze'), '{"active":true}', 0);
    await stores.audits.put(audit('c-1', NOW - 60_000, 'not json'), 60);
    const status = await readStage4Status(stores, ACCOUNT, OPTIONS);
    expect(status.freeze).toEqual({ unreadable: expect.stringMatching(/^CorruptStateError: .*stage4#default#freeze/) });
    expect(status.cycles[0]?.summary).toEqual({
      unreadable: expect.stringMatching(/^ValidationError: .*c-1: expected JSON/),
    });
    expect(status.degrade).toMatchObject({ value: { state: { level: 0 } } });
    expect(status.mode).toBeUndefined();
  });

  it('lists the open replace transactions with their age, not the ended ones', async () => {
    const { stores } = counted();
    const lease = await stores.leases.acquire('trading#default', 'cycle-1', 60_000, NOW - 30_000);
    if (!lease) throw new Error('lease not free');
    const fence = { name: lease.name, epoch: lease.epoch };
    const group = (n: number) => ({
      account: ACCOUNT,
      symbol: 'BTCTRY',
      side: 'BUY' as const,
      newClientOrderId: `bb4-new-${n}`,
      oldClientOrderIds: [`bb4-old-${n}`],
      price: dec('2500000'),
      qty: dec('0.0004'),
      cycleId: 'cycle-1',
    });
    const open = await stores.replaceTransactions.create(group(1), fence, NOW - 30_000);
    await stores.replaceTransactions.transition(open.tx, 'CANCELS_SENT', [], NOW - 29_000, fence);
    const ended = await stores.replaceTransactions.create(group(2), fence, NOW - 20_000);
    await stores.replaceTransactions.transition(ended.tx, 'ABANDONED', ['plan_moved_on'], NOW - 19_000, fence);
    const status = await readStage4Status(stores, ACCOUNT, OPTIONS);
    expect(status.lease).toMatchObject({ name: 'trading#default', holder: 'cycle-1' });
    expect(status.replaceTransactions).toEqual({
      value: [expect.objectContaining({ id: open.tx.id, state: 'CANCEL_SENT', ageMs: 30_000 })],
    });
  });

  it('reads the freeze a cycle saved', async () => {
    const { stores } = counted();
    const observation = { nowMs: NOW - 5000, ordersWithoutClientId: ['9001'], importedExternal: [], mismatches: [] };
    const settings = {
      STAGE4_UNKNOWN_FREEZE_ENABLED: true,
      STAGE4_UNKNOWN_FREEZE_THRESHOLD: 1,
      STAGE4_UNKNOWN_FREEZE_PERSIST_CYCLES: 3,
      STAGE4_UNKNOWN_FREEZE_PERSIST_SECONDS: 30,
    };
    await saveFreezeState(
      stores.documents,
      ACCOUNT,
      evaluateFreeze(INITIAL_FREEZE_STATE, observation, settings).state,
      0,
    );
    const status = await readStage4Status(stores, ACCOUNT, OPTIONS);
    expect(status.freeze).toMatchObject({
      value: {
        active: { reason: 'order_without_client_id', sinceMs: NOW - 5000, details: ['order_without_client_id:9001'] },
      },
    });
  });
});
