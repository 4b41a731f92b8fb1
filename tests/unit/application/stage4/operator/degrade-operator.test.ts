// `btcbot degrade status|clear|override` below the CLI: the override request parsed into what can be
// stored, written over the version read (a concurrent change refused), cleared without touching the
// degrade state, and the degrade state read back with its cooldown and step-down.
import { describe, expect, it } from 'vitest';
import { MemoryDocumentStore } from '../../../../../shared/adapters/memory/memory-document-store';
import {
  clearDegradeOverride,
  parseDegradeOverrideRequest,
  readDegrade,
  resetDegradeLevel,
  setDegradeOverride,
} from '../../../../../shared/application/stage4/operator/degrade-operator';
import {
  loadDegradeOverride,
  saveDegradeOverride,
} from '../../../../../shared/application/stage4/state/degrade-override';
import { loadDegradeState, saveDegradeState } from '../../../../../shared/application/stage4/state/degrade-state';
import { ConcurrentUpdateError } from '../../../../../shared/domain/errors';
import { decideDegrade, INITIAL_DEGRADE_STATE } from '../../../../../shared/domain/risk/degrade';
import { racingDocuments } from './racing-documents';

const ACCOUNT = 'default';
const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const SETTINGS = { DEGRADE_WARN_WINDOW_CYCLES: 5, DEGRADE_WARN_THRESHOLD: 3, DEGRADE_WARN_CODES_CSV: [] };

describe('parseDegradeOverrideRequest', () => {
  it('takes the mode and reason, and 900 seconds unless told', () => {
    expect(parseDegradeOverrideRequest({ mode: 'OBSERVE_ONLY', reason: ' venue incident ' })).toEqual({
      mode: 'OBSERVE_ONLY',
      reason: 'venue incident',
      cooldownSeconds: 900,
    });
    expect(parseDegradeOverrideRequest({ mode: 'NORMAL', reason: 'x', cooldownSeconds: '60' }).cooldownSeconds).toBe(
      60,
    );
  });

  it.each([
    [
      { mode: 'observe_only', reason: 'x' },
      'mode: expected NORMAL, REDUCE_RISK_ONLY or OBSERVE_ONLY, was "observe_only"',
    ],
    [{ reason: 'x' }, 'mode: expected NORMAL, REDUCE_RISK_ONLY or OBSERVE_ONLY, was undefined'],
    [{ mode: 'NORMAL' }, 'reason: expected why the override is set, was missing'],
    [
      { mode: 'NORMAL', reason: 'x', cooldownSeconds: '1.5' },
      'cooldownSeconds: expected a whole number of seconds, was "1.5"',
    ],
    [{ mode: 'NORMAL', reason: 'x', cooldownSeconds: '-5' }, 'cooldownSeconds: expected a whole number of seconds'],
    [{ mode: 'NORMAL', reason: 'x', cooldownSeconds: '1e3' }, 'cooldownSeconds: expected a whole number of seconds'],
    [{ mode: 'NORMAL', reason: 'x', cooldownSeconds: '0' }, 'cooldownSeconds: expected at least 1 second, was 0'],
    [{ mode: 'NORMAL', reason: 'x', cooldownSeconds: '2592001' }, 'expected at most 2592000 seconds, was 2592001'],
  ])('refuses %j naming the option', (input, message) => {
    expect(() => parseDegradeOverrideRequest(input)).toThrow(message);
  });
});

describe('setDegradeOverride and clearDegradeOverride', () => {
  it('stores the mode until now + the seconds, replacing and reporting the previous one', async () => {
    const documents = new MemoryDocumentStore();
    const first = await setDegradeOverride(documents, ACCOUNT, { mode: 'REDUCE_RISK_ONLY', cooldownSeconds: 900 }, NOW);
    expect(first).toEqual({
      previous: undefined,
      override: { mode: 'REDUCE_RISK_ONLY', untilMs: NOW + 900_000 },
      written: true,
    });
    const second = await setDegradeOverride(documents, ACCOUNT, { mode: 'OBSERVE_ONLY', cooldownSeconds: 60 }, NOW);
    expect(second.previous).toEqual({ mode: 'REDUCE_RISK_ONLY', untilMs: NOW + 900_000 });
    expect(await loadDegradeOverride(documents, ACCOUNT)).toEqual({
      value: { mode: 'OBSERVE_ONLY', untilMs: NOW + 60_000 },
      version: 2,
    });
  });

  it('is what the degrade decision acts on: at least its level, with reason MANUAL_OVERRIDE', async () => {
    const documents = new MemoryDocumentStore();
    await setDegradeOverride(documents, ACCOUNT, { mode: 'OBSERVE_ONLY', cooldownSeconds: 900 }, NOW);
    const { value: override } = await loadDegradeOverride(documents, ACCOUNT);
    const inputs = { anomalies: [], breakerOpen: false, freezeActive: false, baseMode: 'NORMAL' as const, override };
    const during = decideDegrade({ ...inputs, nowMs: NOW + 1000, previous: INITIAL_DEGRADE_STATE }, SETTINGS);
    expect(during).toMatchObject({ level: 3, mode: 'OBSERVE_ONLY', reasons: ['MANUAL_OVERRIDE'] });
    const after = decideDegrade({ ...inputs, nowMs: NOW + 900_000, previous: INITIAL_DEGRADE_STATE }, SETTINGS);
    expect(after).toMatchObject({ level: 0, mode: 'NORMAL' });
  });

  it('clears the override and leaves the degrade state to the cycle; nothing to clear writes nothing', async () => {
    const documents = new MemoryDocumentStore();
    await saveDegradeState(documents, ACCOUNT, { ...INITIAL_DEGRADE_STATE, level: 3, reasons: ['MANUAL_OVERRIDE'] }, 0);
    await setDegradeOverride(documents, ACCOUNT, { mode: 'OBSERVE_ONLY', cooldownSeconds: 900 }, NOW);
    expect(await clearDegradeOverride(documents, ACCOUNT)).toEqual({
      previous: { mode: 'OBSERVE_ONLY', untilMs: NOW + 900_000 },
      override: undefined,
      written: true,
    });
    expect(await loadDegradeOverride(documents, ACCOUNT)).toEqual({ value: undefined, version: 2 });
    expect(await loadDegradeState(documents, ACCOUNT)).toMatchObject({ value: { level: 3 }, version: 1 });
    expect(await clearDegradeOverride(documents, ACCOUNT)).toMatchObject({ written: false });
    expect((await loadDegradeOverride(documents, ACCOUNT)).version).toBe(2);
  });

  it('resets the degrade level to 0 on request, once; a cycle saving meanwhile wins', async () => {
    const documents = new MemoryDocumentStore();
    const frozen = {
      ...INITIAL_DEGRADE_STATE,
      level: 3 as const,
      cooldownUntilMs: NOW + 1_800_000,
      reasons: ['STAGE4_FREEZE_ACTIVE'],
    };
    await saveDegradeState(documents, ACCOUNT, frozen, 0);
    expect(await resetDegradeLevel(documents, ACCOUNT)).toEqual(frozen);
    expect(await loadDegradeState(documents, ACCOUNT)).toEqual({ value: INITIAL_DEGRADE_STATE, version: 2 });
    expect(await resetDegradeLevel(documents, ACCOUNT)).toBeUndefined();
    expect((await loadDegradeState(documents, ACCOUNT)).version).toBe(2);
    await saveDegradeState(documents, ACCOUNT, frozen, 2);
    const racing = racingDocuments(documents, (d) =>
      saveDegradeState(d, ACCOUNT, { ...frozen, stabilityStreak: 1 }, 3),
    );
    await expect(resetDegradeLevel(racing, ACCOUNT)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect((await loadDegradeState(documents, ACCOUNT)).value.stabilityStreak).toBe(1);
  });

  it('refuses to write over an override another operator changed after it was read', async () => {
    const inner = new MemoryDocumentStore();
    const rival = { mode: 'OBSERVE_ONLY' as const, untilMs: NOW + 3_600_000 };
    const racing = racingDocuments(inner, (d) => saveDegradeOverride(d, ACCOUNT, rival, 0));
    await expect(
      setDegradeOverride(racing, ACCOUNT, { mode: 'REDUCE_RISK_ONLY', cooldownSeconds: 900 }, NOW),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(await loadDegradeOverride(inner, ACCOUNT)).toEqual({ value: rival, version: 1 });

    const clearing = racingDocuments(inner, (d) => saveDegradeOverride(d, ACCOUNT, { ...rival, untilMs: NOW + 1 }, 1));
    await expect(clearDegradeOverride(clearing, ACCOUNT)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect((await loadDegradeOverride(inner, ACCOUNT)).value).toEqual({ ...rival, untilMs: NOW + 1 });
  });
});

describe('readDegrade', () => {
  it('reads level 0 with no cooldown and no override from an account with nothing stored', async () => {
    const view = await readDegrade(new MemoryDocumentStore(), ACCOUNT, NOW);
    expect(view).toMatchObject({ state: { level: 0 }, cooldownLeftMs: 0, stableCyclesToStepDown: 0 });
    expect(view.override).toBeUndefined();
    expect(view.overrideActive).toBe(false);
  });

  it('shows the level an override entered, its cooldown and the stable cycles to step down', async () => {
    const documents = new MemoryDocumentStore();
    await setDegradeOverride(documents, ACCOUNT, { mode: 'OBSERVE_ONLY', cooldownSeconds: 60 }, NOW);
    const override = (await loadDegradeOverride(documents, ACCOUNT)).value;
    const inputs = { anomalies: [], breakerOpen: false, freezeActive: false, baseMode: 'NORMAL' as const, override };
    const decided = decideDegrade({ ...inputs, nowMs: NOW, previous: INITIAL_DEGRADE_STATE }, SETTINGS);
    await saveDegradeState(documents, ACCOUNT, decided.state, 0);

    const now = await readDegrade(documents, ACCOUNT, NOW + 10_000);
    expect(now).toMatchObject({ state: { level: 3 }, cooldownLeftMs: 1_790_000, stableCyclesToStepDown: 4 });
    expect(now.policy.modeOverride).toBe('OBSERVE_ONLY');
    expect(now.overrideActive).toBe(true);
    const later = await readDegrade(documents, ACCOUNT, NOW + 1_800_000);
    expect(later).toMatchObject({ cooldownLeftMs: 0, overrideActive: false });
  });
});
