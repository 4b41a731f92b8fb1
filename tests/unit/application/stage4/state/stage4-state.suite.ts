// The stage 4 state documents against one DocumentStore (memory or DynamoDB on moto): a value saved loads
// back equal, an absent document loads as the documented initial state, a corrupt one is a
// CorruptStateError naming its key, and a save over a version another writer moved is a
// ConcurrentUpdateError that writes nothing.
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { capitalPolicyStateCodec } from '../../../../../shared/application/stage4/state/capital-policy-state';
import { cursorStallStateCodec } from '../../../../../shared/application/stage4/state/cursor-stall-state';
import { degradeOverrideCodec } from '../../../../../shared/application/stage4/state/degrade-override';
import { degradeStateCodec } from '../../../../../shared/application/stage4/state/degrade-state';
import { freezeStateCodec } from '../../../../../shared/application/stage4/state/freeze-state';
import { loadStage4State } from '../../../../../shared/application/stage4/state/load-stage4-state';
import { riskStateCodec } from '../../../../../shared/application/stage4/state/risk-state';
import {
  loadDocument,
  type Stage4DocumentCodec,
  saveDocument,
  stage4Key,
} from '../../../../../shared/application/stage4/state/stage4-document';
import { universeStateCodec } from '../../../../../shared/application/stage4/state/universe-state';
import { ConcurrentUpdateError, CorruptStateError } from '../../../../../shared/domain/errors';
import type { DocumentStore } from '../../../../../shared/ports/state-store';
import * as arb from './stage4-state-arbitraries';

interface Case {
  readonly codec: Stage4DocumentCodec<unknown>;
  readonly value: fc.Arbitrary<unknown>;
  /** Valid JSON the codec must refuse, and the field its message names */
  readonly corrupt: { readonly text: string; readonly field: string };
}

const c = <T>(codec: Stage4DocumentCodec<T>, value: fc.Arbitrary<T>, corrupt: Case['corrupt']): Case => ({
  codec: codec as Stage4DocumentCodec<unknown>,
  value,
  corrupt,
});

export const CASES: readonly Case[] = [
  c(riskStateCodec, arb.riskState, {
    text: '{"peakEquityTry":"-1","peakEquityAtMs":1700000000000,"feesDayStartMs":1699920000000,"feesTodayTry":"0"}',
    field: 'peakEquityTry',
  }),
  c(degradeStateCodec, arb.degradeState, {
    text: '{"level":4,"reasons":[],"stabilityStreak":0,"warnWindow":[]}',
    field: 'level',
  }),
  c(cursorStallStateCodec, arb.cursorStallState, {
    text: '{"symbols":{"BTCTRY":{"cursor":"1","stallCycles":-1}}}',
    field: 'symbols.BTCTRY.stallCycles',
  }),
  c(universeStateCodec, arb.universeState, {
    text: '{"symbols":{},"mids":{"BTCTRY":[[1700000000000,"1e5"]]},"selection":null}',
    field: 'mids.BTCTRY.0.1',
  }),
  c(capitalPolicyStateCodec, arb.capitalPolicyState, {
    text: '{"tradingCapitalTry":"100","treasuryTry":"0","lastRealizedTotalTry":"0","lastEventCount":1.5,"lastCheckpointId":""}',
    field: 'lastEventCount',
  }),
  c(freezeStateCodec, arb.freezeState, {
    text: '{"active":{"reason":"gone_fishing","sinceMs":1700000000000,"details":["x"]},"mismatches":{},"lastClear":null}',
    field: 'active.reason',
  }),
  c(degradeOverrideCodec, arb.degradeOverride, {
    text: '{"mode":"OBSERVE_ONLY","untilMs":1700000000}',
    field: 'untilMs',
  }),
];

const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function stage4StateSuite(name: string, makeDocuments: () => Promise<DocumentStore>, runs: number): void {
  describe(`stage 4 state documents (${name})`, () => {
    let documents: DocumentStore;
    let n = 0;
    // a fresh account per property run: each starts from version 0
    const account = () => {
      n += 1;
      return `acct-${name.replace(/\W/g, '')}-${n}`;
    };

    beforeEach(async () => {
      documents = await makeDocuments();
    });

    for (const { codec, value, corrupt } of CASES) {
      describe(codec.name, () => {
        it('an absent document loads as the initial state at version 0', async () => {
          expect(await loadDocument(documents, account(), codec)).toEqual({ value: codec.initial, version: 0 });
        });

        it('a saved value loads back equal, at the version the save returned', async () => {
          await fc.assert(
            fc.asyncProperty(value, async (v) => {
              const a = account();
              const version = await saveDocument(documents, a, codec, v, 0);
              expect(await loadDocument(documents, a, codec)).toEqual({ value: v, version });
            }),
            { numRuns: runs },
          );
        });

        it('a corrupt document is a CorruptStateError naming its key and field', async () => {
          const a = account();
          const key = stage4Key(a, codec.name);
          await documents.put(key, corrupt.text, 0);
          const e = await loadDocument(documents, a, codec).catch((x: unknown) => x);
          expect(e).toBeInstanceOf(CorruptStateError);
          expect((e as Error).message).toMatch(new RegExp(`${literally(key)}: (.*; )?${literally(corrupt.field)}:`));
          await documents.put(key, 'not json', 1);
          await expect(loadDocument(documents, a, codec)).rejects.toThrow(/expected JSON text/);
        });

        it('a save over a version another writer moved is a ConcurrentUpdateError and writes nothing', async () => {
          const [first, second] = fc.sample(value, { numRuns: 2, seed: 7 });
          const a = account();
          const loaded = await loadDocument(documents, a, codec);
          const winner = await saveDocument(documents, a, codec, first, loaded.version);
          await expect(saveDocument(documents, a, codec, second, loaded.version)).rejects.toBeInstanceOf(
            ConcurrentUpdateError,
          );
          expect(await loadDocument(documents, a, codec)).toEqual({ value: first, version: winner });
        });
      });
    }

    it('loadStage4State reads every document with its version', async () => {
      const a = account();
      const values = CASES.map(({ value }) => fc.sample(value, { numRuns: 1, seed: 11 })[0]);
      for (const [i, { codec }] of CASES.entries()) await saveDocument(documents, a, codec, values[i], 0);
      await saveDocument(documents, a, CASES[0]?.codec as Stage4DocumentCodec<unknown>, values[0], 1);
      const state = await loadStage4State(documents, a);
      expect(state).toEqual({
        risk: { value: values[0], version: 2 },
        degrade: { value: values[1], version: 1 },
        cursorStalls: { value: values[2], version: 1 },
        universe: { value: values[3], version: 1 },
        capital: { value: values[4], version: 1 },
        freeze: { value: values[5], version: 1 },
        degradeOverride: { value: values[6], version: 1 },
      });
    });

    it('loadStage4State of a new account is every initial state at version 0', async () => {
      const state = await loadStage4State(documents, account());
      expect(Object.values(state).map((d) => d.version)).toEqual([0, 0, 0, 0, 0, 0, 0]);
      expect(state.freeze.value).toBe(freezeStateCodec.initial);
    });

    it('loadStage4State fails on any corrupt document, naming it', async () => {
      for (const { codec, corrupt } of CASES) {
        const a = account();
        await documents.put(stage4Key(a, codec.name), corrupt.text, 0);
        const e = await loadStage4State(documents, a).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(CorruptStateError);
        expect((e as Error).message).toContain(stage4Key(a, codec.name));
      }
    });
  });
}
