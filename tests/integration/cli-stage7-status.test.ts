// `btcbot status --stage stage7` on moto_server over state written by the real code: two stage 7 cycles on
// DynamoDB and the simulator (lease, params, risk decision, simulated account, equity, run rows), a kill chain
// tripped by failing cycles (shown with the operator's clear command, which then lifts it), a corrupt document,
// and a split write left interrupted (reported, never completed: status writes nothing). Text and JSON.
import { randomUUID } from 'node:crypto';
import { GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { killSwitchCommand } from '../../bin/commands/kill-switch-command';
import { statusCommand } from '../../bin/commands/status-command';
import { stage7Keys } from '../../shared/adapters/dynamodb/dynamodb-stage7-keys';
import { logItems, planParts } from '../../shared/adapters/dynamodb/dynamodb-stage7-log';
import { stage7Ops } from '../../shared/adapters/dynamodb/dynamodb-stage7-ops';
import { keyItem } from '../../shared/adapters/dynamodb/keys';
import { createDynamoStateStores } from '../../shared/adapters/dynamodb/state-stores';
import { killChainKey } from '../../shared/application/stage7/cycle-kill-chain';
import { canonicalJson } from '../../shared/domain/hashing';
import type { Stage7CycleWrite, Stage7RunMetricsRow, Stage7Store } from '../../shared/ports/stage7-store';
import type { StateStores } from '../../shared/ports/state-store';
import { oneRequestAtATime } from '../contract/state-store-serial-moto';
import { type Emulator, emulator, motoEndpoint } from '../support/aws';
import { sinks } from '../support/io-sinks';
import { type Stage7World, stage7World } from './stage7/stage7-world';

const endpoint = motoEndpoint();

// Skipped only outside CI when moto_server is not installed; the global setup prints that loudly and fails under CI
describe.skipIf(endpoint === null)('btcbot status --stage stage7 (moto_server)', () => {
  let aws: Emulator;
  let table: string;
  let stores: StateStores;
  let w: Stage7World;
  let rows: Stage7RunMetricsRow[];
  let tripped: Stage7World;
  const saved: Stage7CycleWrite[] = [];
  const env = `it-${randomUUID().slice(0, 8)}`;
  const clients = () => ({ dynamodb: aws.dynamodb, ssm: aws.ssm });
  const scan = async () =>
    ((await aws.dynamodb.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [])
      .map((item) => JSON.stringify(item))
      .sort();
  const status = async (account: string, json = false, nowMs = w.clock.nowMs() + 30_000) => {
    const s = sinks();
    const code = await statusCommand(clients(), {}, { env, table, account, stage: 'stage7', json }, s.io, nowMs);
    return { code, ...s, text: s.out.join('\n') };
  };

  beforeAll(async () => {
    aws = emulator(endpoint as string);
    table = await aws.freshTable('status7');
    stores = createDynamoStateStores(oneRequestAtATime(aws.dynamodb), table);
    const save = stores.stage7.saveCycle.bind(stores.stage7);
    stores.stage7.saveCycle = (write, fence) => {
      saved.push(write);
      return save(write, fence);
    };
    w = stage7World({ stores });
    rows = [];
    for (const id of ['c1', 'c2']) {
      const r = await w.cycle(id, `inv-${id}`);
      if (r.status !== 'completed') throw new Error(`cycle ${id}: ${r.status}`);
      rows.unshift(r.row);
    }
    // account `tripped`: its cycles fail at the load until the kill chain sets stage 7's kill switch
    const failing: Stage7Store = {
      load: () => Promise.reject(new RangeError('boom')),
      loadOrders: (a, ids) => stores.stage7.loadOrders(a, ids),
      saveCycle: (write, fence) => stores.stage7.saveCycle(write, fence),
    };
    tripped = stage7World({ stores: { ...stores, stage7: failing }, settings: { BOT_ACCOUNT: 'tripped' } });
    for (let i = 1; i <= tripped.deps.settings.KILL_CHAIN_MAX_CONSECUTIVE_ERRORS; i++)
      await expect(tripped.cycle(`f${i}`)).rejects.toThrow('boom');
  });

  it('prints the lease, kill switch, params, risk decision, simulated account, equity and run rows', async () => {
    const [c2, c1] = rows as [Stage7RunMetricsRow, Stage7RunMetricsRow];
    const balances = saved[1]?.documents.account?.value ?? {};
    const r = await status('default');
    expect([r.code, r.err]).toEqual([0, []]);
    expect(r.text).toMatch(/Lease +stage7#default free \(released by inv-c2\), epoch 2/);
    expect(r.text).toMatch(/Stage 7 kill switch +stage7#killchain#default = off\n/);
    expect(r.text).toMatch(/Failed cycles +0 in a row/);
    expect(r.text).toMatch(
      new RegExp(`Params +version ${c2.paramVersion} \\(since 2026-01-05T09:0\\d:\\d\\dZ\\): universe \\d+, offset `),
    );
    expect(r.text).toMatch(/Risk decision +NORMAL \(cycle c2 at 2026-01-05T09:02:\d\dZ\), reasons OK, cooldown none/);
    const account = Object.entries(balances)
      .map(([asset, b]) => `${asset} ${b.free.toFixed()}${b.locked.isZero() ? '' : ` (+${b.locked.toFixed()} locked)`}`)
      .join(', ');
    expect(account).toMatch(/^BTC \S+, ETH \S+, TRY \S+$/);
    expect(r.text).toContain(`Simulated account    ${account}\n`);
    expect(r.text).toMatch(new RegExp(`Equity +${c2.equityTry.toFixed()} TRY \\(cycle c2 at 2026-01-05T09:02:\\d\\dZ`));
    const table = r.text.split('Last 5 stage 7 cycles:\n')[1]?.split('\n') ?? [];
    expect(table[0]).toMatch(
      /^ +STARTED +CYCLE +MODE +PARAMS +EQUITY TRY +NET PNL TRY +FEES TRY +COUNTS +NO TRADES +ALERTS$/,
    );
    for (const [i, row] of [c2, c1].entries())
      expect(table[i + 1]).toMatch(
        new RegExp(
          `^ +2026-01-05T09:0\\d:\\d\\dZ +${row.cycleId} +NORMAL +v${row.paramVersion} +${row.equityTry.toFixed()} +` +
            `${row.netPnlTry.toFixed()} +${row.feesTry.toFixed()} +planned=${row.counts.planned} submitted=` +
            `${row.counts.omsSubmitted} filled=${row.counts.omsFilled} rejected=0 throttled=0 +`,
        ),
      );
    expect(table).toHaveLength(3);
    // stage 7 never trades: no order of either world reached the simulated venue
    for (const world of [w, tripped]) expect(world.exchange.writes).toEqual({ submits: 0, cancels: 0 });
  });

  it('prints the same report as JSON', async () => {
    const [c2] = rows as [Stage7RunMetricsRow];
    const r = await status('default', true);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.text);
    expect(report).toMatchObject({
      stage: 'stage7',
      account: 'default',
      table,
      lease: { name: 'stage7#default', holder: 'inv-c2', epoch: 2, expiresInMs: null },
      killSwitch: { key: 'stage7#killchain#default', on: false, consecutiveErrors: 0, stored: null, clear: null },
      simulation: {
        interruptedWrite: false,
        params: { version: c2.paramVersion },
        riskDecision: { cycleId: 'c2', mode: 'NORMAL', reasons: ['OK'], cooldownUntilMs: null },
        equity: { equityTry: c2.equityTry.toFixed(), cycleId: 'c2', atMs: c2.tsMs },
      },
    });
    expect(report.simulation.runs.map((row: { cycleId: string }) => row.cycleId)).toEqual(['c2', 'c1']);
    expect(report.simulation.runs[0]).toMatchObject({ equityTry: c2.equityTry.toFixed(), counts: c2.counts });
    expect(Object.keys(report.simulation.account).sort()).toEqual(['BTC', 'ETH', 'TRY']);
    expect(report.simulation.account.TRY.free).toMatch(/^\d+(\.\d+)?$/);
  });

  it("shows each account's runtime state as its real cycles recorded it, in text and JSON", async () => {
    const ready = await status('default');
    expect(ready.text).toMatch(
      /Runtime state +READY since 2026-01-05T09:02:\d\dZ \(\d+ s ago\), last trigger success, last cycle c2\n/,
    );
    const rows = ready.text.split('Last runtime transitions:\n')[1]?.split('\n') ?? [];
    expect(rows[0]).toMatch(/^ +AT +CYCLE +FROM +TRIGGER +TO$/);
    expect(rows[1]).toMatch(/^ +2026-01-05T09:02:\d\dZ +c2 +EXECUTING +success +READY$/);
    // the tripped account's cycles threw: the first left READY for ERROR_RETRYABLE, the others stayed there
    const failed = JSON.parse((await status('tripped', true)).text);
    expect(failed.runtime).toMatchObject({
      key: 'runtime#stage7#tripped',
      document: {
        state: 'ERROR_RETRYABLE',
        lastCycleId: `f${tripped.deps.settings.KILL_CHAIN_MAX_CONSECUTIVE_ERRORS}`,
      },
    });
    expect(failed.runtime.document.transitions[0]).toMatchObject({
      from: 'EVALUATING',
      to: 'ERROR_RETRYABLE',
      trigger: 'exception',
      cycleId: 'f1',
    });
  });

  it("shows stage 7's tripped kill switch with the command that clears it, which does", async () => {
    const nowMs = tripped.clock.nowMs() + 30_000;
    const r = await status('tripped', false, nowMs);
    expect(r.code).toBe(0);
    const clear = `btcbot kill-switch clear-stored --env ${env} --stage stage7 --account tripped --table ${table}`;
    expect(r.text).toMatch(
      /Stage 7 kill switch +stage7#killchain#tripped = ON since 2026-01-05T09:0\d:\d\dZ \(kill_chain:RangeError\), until cleared: stage 7 observes only; clear: /,
    );
    expect(r.text).toContain(`; clear: ${clear}\n`);
    const max = tripped.deps.settings.KILL_CHAIN_MAX_CONSECUTIVE_ERRORS;
    expect(r.text).toMatch(new RegExp(`Failed cycles +${max} in a row`));
    expect(r.text).toMatch(/Params +none \(no stage 7 cycle has saved any\)/);
    expect(r.text).toMatch(/Last 5 stage 7 cycles:\n {2}none$/);
    const json = JSON.parse((await status('tripped', true, nowMs)).text);
    expect(json.killSwitch).toMatchObject({
      on: true,
      consecutiveErrors: max,
      stored: { reason: 'kill_chain:RangeError' },
    });

    const [, , action, ...flags] = clear.split(' ');
    const options = Object.fromEntries(
      Array.from({ length: flags.length / 2 }, (_, i) => [flags[2 * i]?.slice(2), flags[2 * i + 1]]),
    );
    const cleared = sinks();
    expect(
      await killSwitchCommand(aws.ssm, action as 'clear-stored', options, cleared.io, { dynamodb: aws.dynamodb }),
    ).toBe(0);
    expect((await status('tripped', false, nowMs)).text).toMatch(/stage7#killchain#tripped = off\n/);
  });

  it('names a corrupt document in one line and exits 1', async () => {
    const riskDoc = stage7Keys.document('default', 'riskDecision');
    const stored = (await aws.dynamodb.send(new GetItemCommand({ TableName: table, Key: keyItem(riskDoc) }))).Item;
    const value = { ...JSON.parse(stored?.value?.S ?? '{}'), mode: 'PANIC' };
    await aws.dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          ...stored,
          pk: { S: stage7Keys.pk('broken') },
          account: { S: 'broken' },
          value: { S: canonicalJson(value) },
        },
      }),
    );
    await stores.documents.put(killChainKey('broken-chain'), '{"consecutiveErrors":-1}', 0);
    const risk = await status('broken');
    expect([risk.code, risk.out]).toEqual([1, []]);
    expect(risk.err).toEqual([
      expect.stringMatching(
        `^status: cannot read state table ${table}: CorruptStateError: invalid stage 7 risk decision document of account broken: mode: .*"OBSERVE_ONLY"`,
      ),
    ]);
    const chain = await status('broken-chain');
    expect([chain.code, chain.out]).toEqual([1, []]);
    expect(chain.err).toEqual([
      expect.stringMatching(
        `^status: cannot read state table ${table}: CorruptStateError: invalid stage 7 kill chain document stage7#killchain#broken-chain: consecutiveErrors`,
      ),
    ]);
  });

  it('reports a split write left interrupted without completing it, and never writes', async () => {
    const write = { ...(saved[1] as Stage7CycleWrite), account: 'pending' };
    for (const item of logItems('pending', write.cycleId, planParts(stage7Ops(write))))
      await aws.dynamodb.send(new PutItemCommand({ TableName: table, Item: item }));
    const before = await scan();
    const r = await status('pending');
    expect([r.code, r.err]).toEqual([0, []]);
    expect(r.text).toMatch(
      /Simulation +a cycle write was interrupted: the next stage 7 cycle completes it first \(nothing shown\)/,
    );
    expect(JSON.parse((await status('pending', true)).text).simulation).toEqual({ interruptedWrite: true });
    for (const account of ['default', 'nobody', 'tripped']) expect((await status(account)).code).toBe(0);
    expect(await scan()).toEqual(before);
  });

  it('refuses an unknown --stage with exit code 2 and the usage line, reading nothing', async () => {
    const s = sinks();
    const options = { env, table: `${table}-missing`, stage: 'stage8' };
    expect(await statusCommand(clients(), {}, options, s.io, 0)).toBe(2);
    expect(s.err).toEqual([
      'status: invalid --stage "stage8" (expected stage3, stage4 or stage7)',
      'usage: btcbot status --env <name> [--stage stage3|stage4|stage7] [--account <name>] [--table <name>] [--json]',
    ]);
  });
});
