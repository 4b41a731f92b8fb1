// One local run end to end: assemble the world, print the banner, run the schedule (one line per cycle,
// a progress bar on a TTY), settle reconcile, write the summary and reports. A stop request (Ctrl-C) ends
// the schedule after the current cycle; the reports are still written. Exit code 1 only on a safety breach:
// a client id placed twice, more venue orders than journal entries, two orders resting at once for one
// client id, intent or replace group, a venue order the journal has no row for or accounts for otherwise, or
// a stage 7 request that was not a public market read (stage 7 never trades).
import { dec } from '../../shared/domain/money';
import { tryAmount } from './amounts';
import { CYCLE_HEADER, cycleLine } from './cycle-line';
import type { StateInfo } from './local-state';
import { type LocalRunOptions, TRADING_STAGES } from './options';
import { progressBar } from './progress-bar';
import { minutesOf } from './report-md';
import { isTradingRecord, runSchedule } from './scheduler';
import type { Stage7CycleRecord } from './stage7-record';
import { writeStage7RunFolder } from './stage7-run-folder';
import type { Stage7Totals } from './stage7-totals';
import { buildSummary, type LocalRunSummary, type Stage3Totals, type Stage4Totals } from './summary';
import { valuate } from './valuation';
import { assembleWorld, type LocalWorld } from './world';
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

const banner = (o: LocalRunOptions, url: string, state: StateInfo): string[] => [
  o.liveSim
    ? 'LIVE against the local BTCTurk simulator: every gate armed, kill switch off (no real exchange is reachable)'
    : 'DRY RUN: no order is sent; intents are simulated. Add --live-sim to arm every gate against the simulator',
  `simulator ${url}  seed ${o.seed}  faults ${o.faults}  stages ${o.stages.join(',')}  symbols ${o.symbols.join(',')}  cycles ${o.cycles}` +
    `  every ${o.intervalMs / 1000}s simulated  speed ${o.speed === 0 ? 'fast' : `${o.speed}x`}`,
  stateLine(state),
];

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

/** @param assemble builds the world (a test keeps it to read the stores after the run) */
export async function runLocal(
  options: LocalRunOptions,
  io: LocalRunIo,
  stop: AbortSignal = new AbortController().signal,
  assemble: (options: LocalRunOptions) => Promise<LocalWorld> = assembleWorld,
): Promise<{ code: number; summary: LocalRunSummary; files: string[] }> {
  const world = await assemble(options);
  try {
    for (const line of banner(options, world.sim.baseUrl, world.state)) io.out(line);
    io.out(CYCLE_HEADER);
    const startEquity = valuate(world.sim.control.state(), []).equity.toFixed(2);
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
    if (options.stages.some((st) => TRADING_STAGES.includes(st))) {
      io.out(`equity ${summary.equity.start} -> ${summary.equity.end} TRY, bot PnL ${summary.equity.pnl} TRY`);
    }
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
