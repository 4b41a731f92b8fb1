// `btcbot local --aws moto` (live, every stage) in-process against this run's moto_server: the real DynamoDB, SQS,
// SSM and Secrets Manager adapters carry the run, the summary holds the safety checks, and the journal
// items (stage 7's rows and ledger for --stages stage7) are really in the DynamoDB table the run created.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { localCommand } from '../../bin/commands/local-command';
import type { LocalRunSummary } from '../../local/runner/summary';
import { createDynamoStateStores } from '../../shared/adapters/dynamodb/state-stores';
import { stage7LedgerAccount } from '../../shared/application/stage7/cycle-ledger';
import { stage7LeaseName } from '../../shared/application/stage7/cycle-preconditions';
import { loadConfig } from '../../shared/config/load-config';
import { dec } from '../../shared/domain/money';
import { JOURNAL_STATUSES } from '../../shared/domain/order-state';
import { emulatorClientConfig, motoEndpoint } from '../support/aws';

const endpoint = motoEndpoint();

// Skipped only outside CI when moto_server is not installed; the global setup prints that loudly and fails under CI
describe.skipIf(endpoint === null)('btcbot local --aws moto', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs live on the simulator with its state on moto_server through the real AWS SDK', async () => {
    dir = await mkdtemp(join(tmpdir(), 'btcbot-local-moto-'));
    const out: string[] = [];
    const code = await localCommand(
      { cycles: '4', liveSim: true, aws: 'moto', awsEndpoint: endpoint as string, out: dir },
      { out: (l) => out.push(l), err: (l) => out.push(l) },
    );
    expect(code).toBe(0);
    expect(out[2]).toMatch(/^state on moto http:\/\/127\.0\.0\.1:\d+: table btcbot-local-/);

    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as LocalRunSummary;
    const state = summary.config.state;
    if (state.mode !== 'moto') throw new Error(`expected moto state, got ${state.mode}`);
    expect(state.endpoint).toBe(endpoint);
    expect(summary.config.mode).toBe('LIVE');
    expect(summary.stages.stage3?.submitted).toBeGreaterThan(0);
    expect(summary.fills.length).toBeGreaterThan(0);
    expect(summary.exchange.orders).toBeGreaterThan(0);
    expect(summary.exchange.duplicateClientIds).toEqual([]);
    expect(summary.exchange.distinctClientIds).toBe(summary.exchange.orders);
    expect(summary.outcome.unknown).toBe(0);
    expect(summary.outcome.reconcileLeft).toBe(0);
    expect(summary.outcome.deadLetters).toBe(0);

    const client = new DynamoDBClient(emulatorClientConfig(endpoint as string));
    try {
      const stores = createDynamoStateStores(client, state.tableName);
      // stage 3 and stage 4 are two bots: each journals under its own account, in the one table
      expect(summary.bots.map((b) => b.account)).toEqual(['stage3', 'stage4']);
      const journal = [];
      for (const bot of summary.bots)
        journal.push(...(await stores.journal.listByStatus(bot.account, JOURNAL_STATUSES)));
      expect(journal.map((o) => o.clientOrderId).sort()).toEqual(summary.orders.map((o) => o.clientOrderId).sort());
      expect(new Set(journal.map((o) => o.stage))).toEqual(new Set(['stage3', 'stage4']));
      expect(journal.some((o) => o.status === 'FILLED')).toBe(true);
    } finally {
      client.destroy();
    }
  });
});

// Skipped only outside CI when moto_server is not installed; the global setup prints that loudly and fails under CI
describe.skipIf(endpoint === null)('btcbot local --stages stage4 --aws moto', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('replaces an order through the DynamoDB replace transaction store, never two resting at once', async () => {
    dir = await mkdtemp(join(tmpdir(), 'btcbot-local-moto-s4-'));
    // seed 3: BTCTRY's bootstrap BUY rests past the order TTL; its replace commits in the fourth cycle
    const code = await localCommand(
      {
        stages: 'stage4',
        cycles: '5',
        seed: '3',
        liveSim: true,
        aws: 'moto',
        awsEndpoint: endpoint as string,
        out: dir,
      },
      { out: () => {}, err: () => {} },
    );
    expect(code).toBe(0);
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as LocalRunSummary;
    const state = summary.config.state;
    if (state.mode !== 'moto') throw new Error(`expected moto state, got ${state.mode}`);
    expect(summary.stages.stage4).toMatchObject({ replaced: 1, duplicates: 0, errors: 0, unknownOutstanding: 0 });
    expect(summary.exchange.restingDuplicates).toEqual([]);
    expect(summary.exchange.duplicateClientIds).toEqual([]);

    const client = new DynamoDBClient(emulatorClientConfig(endpoint as string));
    try {
      const stores = createDynamoStateStores(client, state.tableName);
      expect(await stores.replaceTransactions.listOpen(summary.config.account)).toEqual([]);
      const audits = await stores.audits.latest('stage4', summary.config.account, 10);
      expect(audits).toHaveLength(5);
    } finally {
      client.destroy();
    }
  });
});

// Skipped only outside CI when moto_server is not installed; the global setup prints that loudly and fails under CI
describe.skipIf(endpoint === null)('btcbot local --stages stage7 --aws moto', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('simulates through the DynamoDB stage 7 store: its rows and ledger are in the table the run created', async () => {
    dir = await mkdtemp(join(tmpdir(), 'btcbot-local-moto-s7-'));
    const code = await localCommand(
      { stages: 'stage7', cycles: '3', aws: 'moto', awsEndpoint: endpoint as string, out: dir },
      { out: () => {}, err: () => {} },
    );
    expect(code).toBe(0);
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as LocalRunSummary;
    const state = summary.config.state;
    if (state.mode !== 'moto') throw new Error(`expected moto state, got ${state.mode}`);
    const t = summary.stages.stage7;
    expect(t).toMatchObject({ cycles: 3, statuses: { completed: 3 }, privateRequests: 0 });
    expect(t?.ordersFilled).toBeGreaterThan(0);
    expect(summary.exchange.orders).toBe(0);

    const client = new DynamoDBClient(emulatorClientConfig(endpoint as string));
    try {
      const stores = createDynamoStateStores(client, state.tableName);
      // stage 7's own account: the run leaves its BOT_ACCOUNT at the default (the trading bots have theirs)
      const account = loadConfig({}).BOT_ACCOUNT;
      const lease = await stores.leases.acquire(stage7LeaseName(account), 'test', 60_000, Date.now());
      if (!lease) throw new Error('stage 7 lease still held after the run');
      const stored = await stores.stage7.load(account, { name: lease.name, epoch: lease.epoch });
      expect(stored.runMetrics.map((r) => r.cycleId)).toEqual(summary.cycles.map((c) => c.cycleId).reverse());
      expect(stored.runMetrics[0]?.equityTry.toFixed()).toBe(dec(t?.equity.end ?? '').toFixed());
      const ledger = await stores.ledger.list(stage7LedgerAccount(account));
      expect(ledger).toHaveLength(t?.ledgerEvents ?? -1);
      expect(ledger.filter((e) => e.type === 'FILL')).toHaveLength(t?.ordersFilled ?? -1);
    } finally {
      client.destroy();
    }
  });
});

describe('btcbot local --aws moto without moto_server', () => {
  it('says how to install it in one line and exits 2', async () => {
    const { PATH, AWS_ENDPOINT_URL } = process.env;
    process.env.PATH = '/nonexistent';
    delete process.env.AWS_ENDPOINT_URL;
    const err: string[] = [];
    try {
      expect(await localCommand({ cycles: '1', aws: 'moto' }, { out: () => {}, err: (l) => err.push(l) })).toBe(2);
    } finally {
      process.env.PATH = PATH;
      if (AWS_ENDPOINT_URL !== undefined) process.env.AWS_ENDPOINT_URL = AWS_ENDPOINT_URL;
    }
    expect(err).toEqual(["moto_server not found; install with pip install 'moto[server]' or use --aws embedded"]);
  });

  it('rejects an unknown --aws mode and an endpoint without --aws moto with exit code 2', async () => {
    const err: string[] = [];
    const io = { out: () => {}, err: (l: string) => err.push(l) };
    expect(await localCommand({ aws: 'localstack' }, io)).toBe(2);
    expect(await localCommand({ awsEndpoint: 'http://127.0.0.1:1' }, io)).toBe(2);
    expect(err).toEqual(['--aws must be embedded or moto, got localstack', '--aws-endpoint needs --aws moto']);
  });
});
