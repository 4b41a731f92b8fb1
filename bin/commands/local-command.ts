// `btcbot local`: runs the whole system on this machine (BTCTurk simulator, real handlers, embedded state
// or with --aws moto the real AWS adapters on moto_server) in simulated time and writes out/summary.json,
// out/report.md and out/report.html (issue 7).
import { MotoNotFoundError } from '../../local/aws/aws-endpoint';

import { issueText } from '../../local/replay/dataset-issues';
import { validateDataset } from '../../local/replay/validate-dataset';
import { parseLocalOptions, type RawLocalOptions } from '../../local/runner/options';
import { type LocalRunIo, runLocal } from '../../local/runner/run-local';
import { ReplayDatasetError } from '../../shared/domain/errors';
import type { CommandIo } from './config-command';
import { outputFolderProblem } from './output-folder';

/**
 * Exit code 2 on invalid options (an --out it cannot write included, before the run starts) or a missing
 * moto_server. SIGINT ends the run after the current cycle and
 * still writes the report (and stops moto_server); repeats are absorbed, since npx and tsx relay it again.
 */
export async function localCommand(
  raw: RawLocalOptions,
  io: CommandIo & Pick<LocalRunIo, 'progress'>,
): Promise<number> {
  let options: ReturnType<typeof parseLocalOptions>;
  try {
    options = parseLocalOptions(raw, process.env.AWS_ENDPOINT_URL || undefined);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    io.err(e.message);
    return 2;
  }
  const outProblem = outputFolderProblem(options.out);
  if (outProblem !== undefined) {
    io.err(`--out ${options.out}: ${outProblem}; choose a folder this user can write`);
    return 2;
  }
  if (options.dataset !== null) {
    // the whole dataset is checked before the run, as `btcbot backtest` checks it; it names the symbols
    const report = validateDataset(options.dataset);
    if (report.errors.length > 0) {
      for (const issue of report.errors) io.err(`local: FAIL - ${issueText(issue)}`);
      return 2;
    }
    options = { ...options, symbols: report.symbols };
  }
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.on('SIGINT', onSigint);
  try {
    return (await runLocal(options, io, stop.signal)).code;
  } catch (e) {
    // a --market-csv file that is no candle file of a served pair is bad input too
    if (!(e instanceof MotoNotFoundError || e instanceof ReplayDatasetError)) throw e;
    io.err(e instanceof ReplayDatasetError ? `local: FAIL - --market-csv ${e.message}` : e.message);
    return 2;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
