// One local run end to end: assemble the world, print the banner, run the schedule (one line per cycle,
// a progress bar on a TTY), settle reconcile, write the summary and reports, and print each bot's own account
// last. A stop request (Ctrl-C) ends the schedule after the current cycle; the reports are still written. Exit code 1 only on a safety breach:
// a client id placed twice, more venue orders than journal entries, two orders resting at once for one
// client id, intent or replace group, a venue order the journal has no row for or accounts for otherwise (on
// any bot's account), or a stage 7 request that was not a public market read (stage 7 never trades).
import { dec, minDec, ZERO } from '../../shared/domain/money';
import { tryAmount } from './amounts';
import { CYCLE_HEADER, cycleLine } from './cycle-line';
import { drawdownPercent } from './drawdown';
import type { StateInfo } from './local-state';
import { type LocalRunOptions, type LocalStage, TRADING_STAGES } from './options';
import { progressBar } from './progress-bar';
import { minutesOf } from './report-md';
import { isTradingRecord, runSchedule } from './scheduler';
import type { Stage7CycleRecord } from './stage7-record';
import { writeStage7RunFolder } from './stage7-run-folder';
import type { Stage7Totals } from './stage7-totals';
import { type BotView, buildSummary, type LocalRunSummary, type Stage3Totals, type Stage4Totals } from './summary';
import { valuate } from './valuation';
import { assembleWorld, type LocalBot, type LocalWorld } from './world';
import { writeReports } from './write-reports';

export interface LocalRunIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Where the progress bar goes (drawn only when it is a TTY) */
  readonly progress?: NodeJS.WriteStream;
}

const stateLine = (s: StateInfo): string =>
  s.mode === 'embedded'
    ? 'state embedded (in-memory adapters); add --aws moto to run the real AWS adapters on moto_server'
    : `state on moto ${s.endpoint}: table ${s.tableName}, queue ${s.queueUrl.split('/').at(-1)} (+ DLQ), ` +
      `kill switch ${s.killSwitchParameter}, secret ${s.secretId}`;

const STAGE_ROLES: Readonly<Record<LocalStage, string>> = {
  stage3: 'stage 3',
  stage4: 'stage 4',
  stage7: 'stage 7 (simulates only)',
};

/** The first line says what runs and with whose money */
function headline(o: LocalRunOptions, bots: readonly LocalBot[]): string {
  const stages = o.stages.map((st) => STAGE_ROLES[st]).join(', ');
  const where = 'the local BTCTurk simulator';
  if (bots.length === 0) return `SIMULATION on ${where}: ${stages}, on public market data; nothing trades`;
  const money = `${tryAmount(o.balanceTry)} TRY`;
  if (!o.liveSim)
    return `DRY RUN on ${where}: ${stages}; no order is sent, every intent is simulated (${money} of cash each); drop --dry-run to trade the simulator`;
  const accounts = bots.map((b) => `${b.account} ${money}`).join(', ');
  return `LIVE against ${where} (fake money; no real exchange is reachable): ${stages}; every gate armed, each trading stage on its own funded account (${accounts})`;
}

const banner = (o: LocalRunOptions, world: LocalWorld, bots: readonly LocalBot[]): string[] => [
  headline(o, bots),
  `simulator ${world.sim.baseUrl}  market ${world.marketLabel}  seed ${o.seed}  faults ${o.faults}  symbols ${world.config.SYMBOLS.join(',')}  cycles ${o.cycles}` +
    `  every ${o.intervalMs / 1000}s simulated  speed ${o.speed === 0 ? 'fast' : `${o.speed}x`}`,
  stateLine(world.state),
];

/** A bot's own money: its account from funding to the end, its PnL and its worst fall below a running peak */
function botLine(b: BotView): string {
  const drawdown = drawdownPercent([b.equity.start, ...b.equitySeries.map((p) => p.equity)]).reduce(
    (worst, d) => minDec(worst, dec(d)),
    ZERO,
  );
  return (
    `${b.stage} account ${b.account}: equity ${b.equity.start} -> ${b.equity.end} TRY, PnL ${b.equity.pnl} TRY, ` +
    `max drawdown ${drawdown.abs().toFixed(2)}%`
  );
}

const stage3Line = (t: Stage3Totals): string =>
  `stage3: ${t.cycles} cycles, ${t.intents} intents, ${t.submitted} submitted, ${t.simulated} simulated, ` +
  `${t.fillsInserted} fills, ${t.reconciled} reconciled, ${t.unknownOutstanding} UNKNOWN, ${t.duplicates} duplicates, ` +
  `${t.errors} cycle errors`;

const stage4Line = (t: Stage4Totals): string =>
  `stage4: ${t.cycles} cycles, ${t.planned} planned, ${t.placed} placed, ${t.replaced} replaced, ` +
  `${t.canceled} canceled, ${t.filled} filled, ${t.simulated} simulated, ${t.uncertainSubmits + t.uncertainCancels} uncertain, ` +
  `${t.reconciled} reconciled, ${t.unknownOutstanding} UNKNOWN, ${t.duplicates} duplicates, ${t.errors} cycle errors`;

const stage7Line = (t: Stage7Totals): string =>
  `stage7: ${t.cycles} cycles, ${t.intentsPlanned} planned, ${t.ordersSubmitted} simulated orders, ` +
  `${t.ordersFilled} filled, ${t.ordersRejected} rejected, ${t.ordersCanceled} canceled, fees ${tryAmount(t.feesTry)} TRY, ` +
  `equity ${tryAmount(t.equity.start)} -> ${tryAmount(t.equity.end)} TRY (net PnL ${tryAmount(t.equity.netPnl)}), ` +
  `max drawdown ${dec(t.maxDrawdownPct).toFixed(2)}%, params v${t.finalParamVersion ?? '-'} ` +
  `(${t.paramChanges} changes), ${t.errors} cycle errors`;

/** Longer than a bot's breaker stays open after the run's faults: its cool-off, or a venue Retry-After */
const BREAKER_SETTLE_MS = 60_000;

/**
 * The run is over: the simulator stops injecting faults, and the bots' breakers the faults left open are let
 * cool and closed by one read each (the half-open probe), so the end-of-run audit's parallel reads are admitted.
 * A probe that still fails is left for the audit to meet and report.
 */
async function endFaults(world: LocalWorld, bots: readonly LocalBot[]): Promise<void> {
  world.sim.control.setFaults('none');
  world.sim.control.advanceMarket(BREAKER_SETTLE_MS);
  for (const bot of bots) await bot.exchange.balances().catch(() => undefined);
}

/** @param assemble builds the world (a test keeps it to read the stores after the run) */
export async function runLocal(
  options: LocalRunOptions,
  io: LocalRunIo,
  stop: AbortSignal = new AbortController().signal,
  assemble: (options: LocalRunOptions) => Promise<LocalWorld> = assembleWorld,
): Promise<{ code: number; summary: LocalRunSummary; files: string[] }> {
  const world = await assemble(options);
  try {
    const bots = TRADING_STAGES.filter((st) => options.stages.includes(st)).map((st) => world.bots[st]);
    for (const line of banner(options, world, bots)) io.out(line);
    io.out(CYCLE_HEADER);
    const startEquity = valuate(world.sim.control.state(), [], world.primary.account).equity.toFixed(2);
    const bar = progressBar(options.cycles, io.progress);
    const schedule = await runSchedule(world, options, {
      onCycle(record) {
        bar.clear();
        io.out(cycleLine(record));
        bar.update(record.index);
      },
      shouldStop: () => stop.aborted,
    });
    bar.clear();
    if (schedule.stoppedEarly) io.err(`stopped after ${schedule.cycles.length} cycles; writing the report`);
    if (options.faults !== 'none') await endFaults(world, bots);
    const summary = await buildSummary(world, options, schedule, startEquity);
    const files = await writeReports(options.out, summary);
    const stage7Cycles = schedule.cycles.filter((c): c is Stage7CycleRecord => !isTradingRecord(c));
    const folder = stage7Cycles.length > 0 ? writeStage7RunFolder(options, stage7Cycles) : undefined;
    const x = summary.exchange;
    const { stage3, stage4, stage7 } = summary.stages;
    if (stage3) io.out(stage3Line(stage3));
    if (stage4) io.out(stage4Line(stage4));
    if (stage7) io.out(stage7Line(stage7));
    io.out(
      `done: ${minutesOf(summary)} simulated minutes, ${x.journalOrders} journal orders, ` +
        `${x.orders} exchange orders (${x.duplicateClientIds.length} duplicate client ids, ` +
        `${x.restingDuplicates.length} resting duplicates), ${summary.fills.length} fills, ` +
        `${summary.outcome.unknown} UNKNOWN, ${summary.outcome.failed} FAILED, ${summary.outcome.deadLetters} in DLQ`,
    );
    const r = x.reconciled;
    io.out(
      `reconciled: ${r.agree} of ${x.orders} venue orders agree with the journal (status and filled quantity)` +
        (r.lagging.length > 0 ? `, ${r.lagging.length} not yet refreshed` : '') +
        (r.disagree.length > 0 ? `, ${r.disagree.length} DISAGREE: ${r.disagree.join('; ')}` : ''),
    );
    for (const b of summary.bots) io.out(botLine(b));
    io.out(`wrote ${files.join(', ')}`);
    if (folder && folder.written !== null)
      io.out(`stage 7 run folder ${folder.written}: fingerprint ${folder.fingerprint}`);
    else if (folder) io.err(`no stage 7 run folder: ${folder.incomplete} stage 7 cycles did not complete`);
    const breach =
      x.duplicateClientIds.length > 0 ||
      x.orders > x.journalOrders ||
      x.restingDuplicates.length > 0 ||
      x.reconciled.disagree.length > 0 ||
      (stage7?.privateRequests ?? 0) > 0;
    if (stage7 && stage7.privateRequests > 0) {
      io.err(`STAGE 7 sent ${stage7.privateRequests} private or write requests: ${JSON.stringify(stage7.requests)}`);
    }
    for (const d of x.restingDuplicates) {
      io.err(
        `DUPLICATE ${d.kind} ${d.key} (${d.stage}): venue orders ${d.venueOrderIds.join(', ')} resting at ${d.atIso}`,
      );
    }
    return { code: breach ? 1 : 0, summary, files };
  } finally {
    await world.close();
  }
}
