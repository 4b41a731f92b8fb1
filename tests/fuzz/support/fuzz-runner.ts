// The fuzz runner of issue 11 (Build item 5). Every property draws its inputs from one fixed seed, judges each
// one (did the boundary crash untyped, or return a value or throw an error that breaks its invariants?), and
// adds the counts to its boundary, which prints one line: `fuzz <boundary>: <n> inputs, <k> untyped crashes,
// <v> invariant violations (...)`. When any input failed, the property runs again through fast-check with
// the same seed, which shrinks the failure to a minimal counterexample and fails the test with it.
// FUZZ_SEED=<n> changes the seed; FUZZ_RUNS=<n> sets the inputs of every property (the defaults are sized
// so the whole suite takes about a minute on 2 cores).
import fc from 'fast-check';
import { TradingError } from '../../../shared/domain/errors';

function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name}: expected a non-negative integer, was ${raw}`);
  return n;
}

export const FUZZ_SEED = envInt('FUZZ_SEED') ?? 20261121;
const FUZZ_RUNS = envInt('FUZZ_RUNS');

/** The inputs a property draws: FUZZ_RUNS when set, else the property's own default */
export const runsOr = (defaultRuns: number): number => FUZZ_RUNS ?? defaultRuns;

export type Outcome = 'value' | 'typed_error' | 'untyped_crash';

/** How one input went: what the boundary did, and every invariant it broke doing it */
export interface Verdict {
  readonly outcome: Outcome;
  readonly problems: readonly string[];
}

export type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** Runs `f` and keeps what it returned or threw */
export async function settle<T>(f: () => Promise<T> | T): Promise<Settled<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (error) {
    return { ok: false, error };
  }
}

export const describeError = (e: unknown): string =>
  e instanceof Error ? `${e.constructor.name}: ${e.message.slice(0, 300)}` : `a thrown ${typeof e}: ${String(e)}`;

/**
 * Judges a settled call: a thrown non-TradingError is an untyped crash; a value is checked by `onValue`, a
 * typed error by `onError` (both return the invariants broken, empty when none)
 */
export function judge<T>(
  settled: Settled<T>,
  onValue: (value: T) => readonly string[],
  onError: (error: TradingError) => readonly string[] = () => [],
): Verdict {
  if (settled.ok) return { outcome: 'value', problems: onValue(settled.value) };
  const { error } = settled;
  if (!(error instanceof TradingError)) return { outcome: 'untyped_crash', problems: [describeError(error)] };
  return { outcome: 'typed_error', problems: onError(error) };
}

/** The typed error must be one of `allowed` (e.g. a malformed submit answer is OutcomeUnknownError, never rejected) */
export const oneOf =
  (...allowed: readonly (abstract new (...args: never[]) => TradingError)[]) =>
  (error: TradingError): string[] =>
    allowed.some((c) => error instanceof c)
      ? []
      : [`expected ${allowed.map((c) => c.name).join(' or ')}, was ${describeError(error)}`];

/** The same verdict with more problems (side effects checked after the call) */
export const withProblems = (verdict: Verdict, more: readonly string[]): Verdict =>
  more.length === 0 ? verdict : { ...verdict, problems: [...verdict.problems, ...more] };

/** One boundary's counts over all of its properties; `line()` is what the suite prints */
export class Boundary {
  inputs = 0;
  untypedCrashes = 0;
  violations = 0;
  typedErrors = 0;
  values = 0;

  constructor(readonly name: string) {}

  count(verdict: Verdict): void {
    this.inputs += 1;
    if (verdict.outcome === 'untyped_crash') this.untypedCrashes += 1;
    else if (verdict.problems.length > 0) this.violations += 1;
    if (verdict.outcome === 'typed_error') this.typedErrors += 1;
    if (verdict.outcome === 'value') this.values += 1;
  }

  line(): string {
    return (
      `fuzz ${this.name}: ${this.inputs} inputs, ${this.untypedCrashes} untyped crashes, ` +
      `${this.violations} invariant violations (${this.typedErrors} typed errors, ${this.values} values; seed ${FUZZ_SEED})`
    );
  }
}

const verdictText = (v: Verdict): string => `${v.outcome}: ${v.problems.join('; ')}`;

/**
 * Judges `runs` inputs of `arb` with `check` (which must build fresh state per input, so a replay is exact),
 * counts them into `boundary`, and when any failed, fails with fast-check's minimal counterexample
 */
export async function fuzz<T>(
  boundary: Boundary,
  arb: fc.Arbitrary<T>,
  check: (input: T) => Promise<Verdict>,
  runs: number,
): Promise<void> {
  let failures = 0;
  let first: string | undefined;
  for (const input of fc.sample(arb, { seed: FUZZ_SEED, numRuns: runs })) {
    const verdict = await check(input);
    boundary.count(verdict);
    if (verdict.problems.length > 0) {
      failures += 1;
      first ??= `${verdictText(verdict)}\n  input: ${fc.stringify(input).slice(0, 600)}`;
    }
  }
  if (failures === 0) return;
  const property = fc.asyncProperty(arb, async (input) => {
    const verdict = await check(input);
    if (verdict.problems.length > 0) throw new Error(verdictText(verdict));
  });
  const summary = `${boundary.name}: ${failures} of ${runs} inputs failed; first as drawn: ${first}`;
  // shrinking replays the check many times: bounded, the best counterexample so far is reported
  await fc.assert(property, { seed: FUZZ_SEED, numRuns: runs, interruptAfterTimeLimit: 10_000 }).catch((e: unknown) => {
    throw new Error(`${summary}\n\nMinimal counterexample:\n${(e as Error).message.slice(0, 4000)}`);
  });
  throw new Error(`${summary}\n(fast-check did not reproduce it: the check is not deterministic)`);
}
