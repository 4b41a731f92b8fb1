// The options of `btcbot report`, `btcbot export` and `btcbot alerts` as commander hands them over (strings,
// booleans, undefined), parsed with zod into values that cannot be wrong. A bad one is a ValidationError
// naming the option: the commands print it as one line and exit 2.
import * as z from 'zod';
import { parseInput } from '../../shared/application/parse-input';
import { EXPORT_FORMATS } from './export-rows';

/** Largest --last: a ring of that many rows still fits comfortably in memory */
const MAX_LAST = 1_000_000;

const runDir = z.string().trim().min(1, 'expected a run folder path');
const last = z
  .string()
  .regex(/^[1-9]\d*$/, 'expected a whole number >= 1')
  .transform(Number)
  .refine((n) => n <= MAX_LAST, `expected at most ${MAX_LAST}`);
const file = z.string().trim().min(1, 'expected a file path');

const ReportOptionsSchema = z.strictObject({
  run: runDir,
  last: last.optional(),
  json: z.boolean().optional(),
  /** `--html` alone: report.html in the run folder */
  html: z.union([z.literal(true), file]).optional(),
});

const ExportOptionsSchema = z.strictObject({
  run: runDir,
  last: last.optional(),
  format: z.enum(EXPORT_FORMATS, { error: `expected one of ${EXPORT_FORMATS.join(', ')}` }).optional(),
  out: file.optional(),
});

const AlertsOptionsSchema = z.strictObject({ run: runDir, last: last.optional() });

/** As commander hands them over: option values are strings, flags booleans, `--html` alone `true` */
export interface RawReportOptions {
  readonly run?: string;
  readonly last?: string;
  readonly json?: boolean;
  readonly html?: string | boolean;
}

export interface RawExportOptions {
  readonly run?: string;
  readonly last?: string;
  readonly format?: string;
  readonly out?: string;
}

export interface RawAlertsOptions {
  readonly run?: string;
  readonly last?: string;
}

/** commander leaves an option it was not given undefined, but as a present key: drop those */
const given = (raw: object): object => Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));

/** @throws ValidationError naming each bad option */
export const parseReportOptions = (raw: RawReportOptions) =>
  parseInput(ReportOptionsSchema, 'report options', given(raw));
/** @throws ValidationError naming each bad option */
export const parseExportOptions = (raw: RawExportOptions) =>
  parseInput(ExportOptionsSchema, 'export options', given(raw));
/** @throws ValidationError naming each bad option */
export const parseAlertsOptions = (raw: RawAlertsOptions) =>
  parseInput(AlertsOptionsSchema, 'alerts options', given(raw));
