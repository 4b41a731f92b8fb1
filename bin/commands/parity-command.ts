// `btcbot parity --a <run> --b <run>` (spec 4.20): the fingerprints of two stage 7 run folders (a backtest, a
// local run) over an optional window, amounts optionally quantized, adaptation fields optionally included, and
// one JSON line {"fingerprint_a","fingerprint_b","match"}. Exit 0 when they match, 1 when they differ, 2 on bad
// input (a bad option, --dataset, a folder that does not exist, a run that cannot be read). A folder holding no
// finished run gets the spec's missing-tables fingerprint, with a hint on stderr.

import { parseParityOptions, type RawParityOptions } from '../../local/backtest/backtest-options';
import { fingerprintRunFolder } from '../../local/backtest/fingerprint';
import { BacktestError, ValidationError } from '../../shared/domain/errors';
import { canonicalJson } from '../../shared/domain/hashing';
import { optionIssues } from './backtest-command';
import type { CommandIo } from './config-command';

export type { RawParityOptions } from '../../local/backtest/backtest-options';

export function parityCommand(raw: RawParityOptions, io: CommandIo): number {
  const fail = (line: string) => {
    io.err(`parity: FAIL - ${line}`);
    return 2;
  };
  const { dataset, ...rest } = raw;
  if (dataset !== undefined)
    return fail(
      '--dataset is not a parity input: parity compares two finished runs; run `btcbot backtest --dataset <dir> ' +
        '--out <run>` first, then pass the run folders as --a and --b',
    );
  let options: ReturnType<typeof parseParityOptions>;
  try {
    options = parseParityOptions(rest);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    for (const line of optionIssues(e)) io.err(`parity: FAIL - ${line}`);
    return 2;
  }
  const window = {
    fromMs: options.start,
    toMs: options.end,
    quantizeTry: options.quantizeTry,
    includeAdaptation: options.includeAdaptation,
  };
  const fingerprints: string[] = [];
  for (const [flag, dir] of [
    ['--a', options.a],
    ['--b', options.b],
  ] as const) {
    try {
      const f = fingerprintRunFolder(dir, window);
      if (f.missing.length > 0)
        io.err(
          `parity: ${flag} ${dir} holds no finished run (no ${f.missing.join(', ')}): its fingerprint is the ` +
            'missing-run form; write one with btcbot backtest --out or btcbot local --stages stage7',
        );
      fingerprints.push(f.fingerprint);
    } catch (e) {
      if (e instanceof BacktestError || e instanceof ValidationError) return fail(`${flag}: ${e.message}`);
      // a file that is there but cannot be read (permissions, a folder named run.json)
      if (e instanceof Error && 'code' in e) return fail(`${flag}: ${dir}: cannot be read (${e.message})`);
      throw e;
    }
  }
  const [a, b] = fingerprints as [string, string];
  io.out(canonicalJson({ fingerprint_a: a, fingerprint_b: b, match: a === b }));
  return a === b ? 0 : 1;
}
