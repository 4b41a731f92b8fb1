// The options of `btcbot backtest` and `btcbot parity` (spec 4.18, 4.20) as commander hands them over (text),
// parsed into values that cannot be wrong: times in the dataset's own timestamp forms (ISO-8601 with Z or an
// offset, naive = UTC, or epoch seconds or ms), whole positive step seconds, a cycle cap >= 1, a seed >= 0, an
// environment name that keeps the cycle ids inside the scheduler's 64-character schedule names, a positive
// quantize step. Each problem is one issue of the ValidationError, naming the option.
import * as z from 'zod';
import { PositiveDecimalTextSchema, parseInput } from '../../shared/application/parse-input';
import { parseTimestampMs } from '../replay/timestamps';

export interface RawBacktestOptions {
  readonly dataset?: string;
  readonly out?: string;
  readonly start?: string;
  readonly end?: string;
  readonly stepSeconds?: string;
  readonly seed?: string;
  readonly cycles?: string;
  readonly includeAdaptation?: boolean;
  readonly env?: string;
  readonly pairInfoJson?: string;
}

export interface RawParityOptions {
  readonly a?: string;
  readonly b?: string;
  readonly start?: string;
  readonly end?: string;
  readonly quantizeTry?: string;
  readonly includeAdaptation?: boolean;
  readonly dataset?: string;
}

const time = z.string().transform((text, ctx) => {
  const ms = parseTimestampMs(text);
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `expected an ISO-8601 time (2026-01-01T00:00:00Z; naive = UTC) or epoch seconds or ms, was ${JSON.stringify(text)}`,
    });
    return z.NEVER;
  }
  return ms;
});

const wholeNumber = (min: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'expected a whole number')
    .transform(Number)
    .refine((n) => n >= min, `expected a whole number >= ${min}`);

const path = z.string().min(1, 'expected a path');

/** A window: end before start is refused */
const ordered = (o: { readonly start?: number | undefined; readonly end?: number | undefined }) =>
  o.start === undefined || o.end === undefined || o.end >= o.start;
const ORDER_ISSUE = { message: 'expected --end at or after --start', path: ['end'] };

export const BacktestOptionsSchema = z
  .strictObject({
    dataset: path.optional(),
    out: path,
    start: time.optional(),
    end: time.optional(),
    stepSeconds: wholeNumber(1).default(60),
    seed: wholeNumber(0).default(123),
    cycles: wholeNumber(1).optional(),
    includeAdaptation: z.boolean().default(false),
    // btcbot-<env>-stage7 is a schedule name: at most 64 of A-Z a-z 0-9 . _ -
    env: z
      .string()
      .regex(/^[0-9A-Za-z_.-]{1,50}$/, 'expected 1-50 of A-Z a-z 0-9 . _ -')
      .default('local'),
    pairInfoJson: path.optional(),
  })
  .refine(ordered, ORDER_ISSUE);
export type BacktestOptions = z.output<typeof BacktestOptionsSchema>;

export const ParityOptionsSchema = z
  .strictObject({
    a: path,
    b: path,
    start: time.optional(),
    end: time.optional(),
    quantizeTry: PositiveDecimalTextSchema.optional(),
    includeAdaptation: z.boolean().default(false),
  })
  .refine(ordered, ORDER_ISSUE);
export type ParityOptions = z.output<typeof ParityOptionsSchema>;

/** @throws ValidationError naming each bad option */
export const parseBacktestOptions = (raw: RawBacktestOptions): BacktestOptions =>
  parseInput(BacktestOptionsSchema, 'backtest options', raw);

/** @throws ValidationError naming each bad option (--dataset is the caller's to refuse: it explains why) */
export const parseParityOptions = (raw: Omit<RawParityOptions, 'dataset'>): ParityOptions =>
  parseInput(ParityOptionsSchema, 'parity options', raw);
