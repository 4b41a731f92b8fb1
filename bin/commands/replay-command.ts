// `btcbot replay init|validate|import|capture`: replay datasets (spec 4.19, local/replay). Every option is parsed
// with zod before any work; a usage error or bad input (a bad option, an existing --dataset, a dataset or source
// file with a problem) prints one line and exits 2; a failure of the machine or the venue exits 1. Nothing is
// half written: a dataset appears whole or not at all.
import type { Dispatcher } from 'undici';
import * as z from 'zod';
import { captureDataset, gatewayCaptureVenue } from '../../local/replay/capture-dataset';
import { assertNewDataset } from '../../local/replay/dataset-builder';
import { issueText } from '../../local/replay/dataset-issues';
import { importDataset } from '../../local/replay/import/import-dataset';
import { initDataset, SYNTHETIC_SYMBOL } from '../../local/replay/init-dataset';
import { isoOf } from '../../local/replay/timestamps';
import { type DatasetReport, validateDataset } from '../../local/replay/validate-dataset';
import { SystemClock } from '../../shared/adapters/clock/system-clock';
import { parseInput } from '../../shared/application/parse-input';
import { type Env, loadConfig } from '../../shared/config/load-config';
import { ConfigError, ReplayDatasetError, ValidationError } from '../../shared/domain/errors';
import { dec } from '../../shared/domain/money';
import { parseSymbolList } from '../../shared/domain/symbols';
import type { Clock } from '../../shared/ports/clock';
import type { CommandIo } from './config-command';
import { errorLine } from './error-line';
import { optionProblems } from './freeze-command';

const Dataset = z.string().trim().min(1, 'expected a folder');
const WholeNumber = z
  .string()
  .regex(/^\d{1,9}$/, 'expected a whole number >= 0')
  .transform(Number);
const PositiveSeconds = z
  .string()
  .regex(/^\d+(\.\d{1,3})?$/, 'expected a number of seconds, e.g. 300 or 0.5')
  .transform(Number)
  .refine((n) => n > 0, 'expected more than 0 seconds');
const Symbols = z.string().transform((raw, ctx) => {
  let symbols: string[] = [];
  try {
    symbols = parseSymbolList(raw);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
  if (symbols.length === 0)
    ctx.addIssue({ code: 'custom', message: 'expected at least one symbol, e.g. BTCTRY,ETHTRY' });
  return symbols;
});

const InitOptions = z.strictObject({
  dataset: Dataset,
  seed: WholeNumber.default(123),
  synthetic: z.boolean().default(true),
});
const ValidateOptions = z.strictObject({ dataset: Dataset });
const ImportOptions = z.strictObject({
  dataset: Dataset,
  from: z.array(z.string().min(1)).min(1, 'expected at least one candle file'),
  symbol: Symbols.refine((s) => s.length === 1, 'expected one symbol')
    .transform((s) => s[0])
    .optional(),
  spreadBps: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'expected basis points >= 0, e.g. 5')
    .transform(dec)
    .refine((x) => x.lt(10_000), 'expected less than 10000 basis points')
    .default(dec('5')),
  allowGaps: z.boolean().default(false),
});
const CaptureOptions = z
  .strictObject({
    dataset: Dataset,
    symbols: Symbols,
    seconds: PositiveSeconds.default(300),
    intervalSeconds: PositiveSeconds.default(1),
  })
  .refine((o) => o.intervalSeconds <= o.seconds, {
    message: 'expected at most --seconds, or there would be no poll',
    path: ['intervalSeconds'],
  });

/** Raw commander options of each subcommand (strings and flags as typed) */
export type RawReplayOptions = Record<string, unknown>;

/** Parsed options, or the one usage line already printed (undefined) */
function parsed<S extends z.ZodType>(schema: S, command: string, raw: RawReplayOptions, io: CommandIo) {
  try {
    return parseInput(schema, `replay ${command} options`, raw);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    io.err(`replay ${command}: ${optionProblems(e)}`);
    return undefined;
  }
}

/** Exit code of a failure: 2 for bad input (options, dataset or source problems), 1 for anything else */
function failed(command: string, e: unknown, io: CommandIo): number {
  const input = e instanceof ReplayDatasetError || e instanceof ValidationError || e instanceof ConfigError;
  io.err(`replay ${command}: FAIL - ${input ? (e as Error).message : errorLine(e)}`);
  return input ? 2 : 1;
}

const range = (r: DatasetReport) =>
  r.startMs === undefined || r.endMs === undefined ? 'no rows' : `${isoOf(r.startMs)} .. ${isoOf(r.endMs)}`;

export function replayInitCommand(raw: RawReplayOptions, io: CommandIo): number {
  const o = parsed(InitOptions, 'init', raw, io);
  if (!o) return 2;
  try {
    initDataset(o.dataset, o);
  } catch (e) {
    return failed('init', e, io);
  }
  const rows = o.synthetic ? ` with 6 synthetic ${SYNTHETIC_SYMBOL} rows (seed ${o.seed})` : ' (no rows)';
  io.out(`replay init: OK - initialized dataset at ${o.dataset}${rows}`);
  return 0;
}

/** Exit 0 valid (warnings allowed), 2 invalid */
export function replayValidateCommand(raw: RawReplayOptions, io: CommandIo): number {
  const o = parsed(ValidateOptions, 'validate', raw, io);
  if (!o) return 2;
  const report = validateDataset(o.dataset);
  for (const w of report.warnings) io.out(`replay validate: WARN - ${issueText(w)}`);
  for (const e of report.errors) io.err(`replay validate: FAIL - ${issueText(e)}`);
  if (report.errors.length > 0) return 2;
  io.out(
    `replay validate: OK - ${o.dataset}: ${report.symbols.length} symbol(s) (${report.symbols.join(', ')}), ` +
      `${report.rows} rows, ${range(report)}`,
  );
  return 0;
}

export async function replayImportCommand(raw: RawReplayOptions, io: CommandIo): Promise<number> {
  const o = parsed(ImportOptions, 'import', raw, io);
  if (!o) return 2;
  let result: Awaited<ReturnType<typeof importDataset>>;
  try {
    result = await importDataset(o);
  } catch (e) {
    return failed('import', e, io);
  }
  const series = result.series.map((s) => `${s.symbol} ${s.rows} rows of ${s.intervalMs / 1000} s bars`).join(', ');
  const gaps = result.gaps > 0 ? `, ${result.gaps} gap(s) listed in gaps.csv` : '';
  io.out(
    `replay import: OK - imported ${series} into ${o.dataset} (${range(result.report)}, ` +
      `book spread ${o.spreadBps.toFixed()} bps${gaps})`,
  );
  return 0;
}

export interface CaptureDeps {
  readonly env: Env;
  readonly clock?: Clock;
  /** The simulator's dispatcher in a test; by default an agent of the capture's own */
  readonly dispatcher?: Dispatcher;
}

export async function replayCaptureCommand(raw: RawReplayOptions, io: CommandIo, deps: CaptureDeps): Promise<number> {
  const o = parsed(CaptureOptions, 'capture', raw, io);
  if (!o) return 2;
  let venue: ReturnType<typeof gatewayCaptureVenue> | undefined;
  try {
    assertNewDataset(o.dataset);
    const clock = deps.clock ?? new SystemClock();
    venue = gatewayCaptureVenue(loadConfig(deps.env), clock, deps.dispatcher);
    const result = await captureDataset(o, venue, clock);
    const late =
      result.gaps > 0
        ? `, ${result.gaps} gap(s) listed in gaps.csv, ${result.slots - result.polls} late poll(s) skipped`
        : '';
    io.out(
      `replay capture: OK - captured ${o.symbols.length} symbol(s) into ${o.dataset} (${result.polls} polls, ` +
        `${range(result.report)}${late})`,
    );
    return 0;
  } catch (e) {
    return failed('capture', e, io);
  } finally {
    await venue?.close();
  }
}
