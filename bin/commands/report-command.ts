// `btcbot report --run <dir> [--last 10] [--json] [--html [file]]`: the report of a stage 7 run folder (spec
// 4.21 adapted to run folders, local/report/run-report.ts): header line, summary, SLO, validations, rollups,
// pairs and the last cycles as text, or the same as one JSON document; `--html` also writes report.html (in
// the run folder unless a file is named). SLO thresholds are the DOCTOR_SLO_* knobs of the environment.
// Exit 0; 1 when a financial validation failed (FAIL_CLOSED, after printing and writing the report);
// 2 on bad input (one line, nothing written).
import { join } from 'node:path';
import { badInputLine } from '../../local/report/bad-input';
import { parseReportOptions, type RawReportOptions } from '../../local/report/cli-options';
import { openRun } from '../../local/report/open-run';
import { runReportHtml } from '../../local/report/report-html';
import { reportText } from '../../local/report/report-text';
import { type BuiltReport, buildRunReport } from '../../local/report/run-report';
import type { SloThresholds } from '../../local/report/slo';
import { writeFilesAtomically } from '../../local/report/write-files';
import { type Config, type Env, loadConfig } from '../../shared/config/load-config';
import { stage7Environment } from '../../shared/config/stage7-environment';
import type { CommandIo } from './config-command';

export type { RawReportOptions } from '../../local/report/cli-options';

export const REPORT_LAST_DEFAULT = 10;
export const FAIL_CLOSED_LINE = 'report: FAIL_CLOSED financial validation errors detected';

const sloThresholdsOf = (c: Config): SloThresholds => ({
  lookback: c.DOCTOR_SLO_LOOKBACK,
  maxDrawdownRatio: { warn: c.DOCTOR_SLO_MAX_DRAWDOWN_RATIO_WARN, fail: c.DOCTOR_SLO_MAX_DRAWDOWN_RATIO_FAIL },
  maxRejectRate: { warn: c.DOCTOR_SLO_MAX_REJECT_RATE_WARN, fail: c.DOCTOR_SLO_MAX_REJECT_RATE_FAIL },
  minFillRate: { warn: c.DOCTOR_SLO_MIN_FILL_RATE_WARN, fail: c.DOCTOR_SLO_MIN_FILL_RATE_FAIL },
});

export function reportCommand(raw: RawReportOptions, env: Env, io: CommandIo): number {
  let built: BuiltReport;
  let htmlPath: string | undefined;
  let json: boolean;
  try {
    const options = parseReportOptions(raw);
    json = options.json === true;
    const slo = sloThresholdsOf(loadConfig(stage7Environment(env)));
    built = buildRunReport(openRun(options.run), { last: options.last ?? REPORT_LAST_DEFAULT, slo });
    htmlPath = options.html === true ? join(options.run, 'report.html') : options.html;
    if (htmlPath !== undefined) {
      writeFilesAtomically([{ path: htmlPath, text: runReportHtml(built.report, built.chart) }]);
    }
  } catch (e) {
    const line = badInputLine('report', e);
    if (line === undefined) throw e;
    io.err(line);
    return 2;
  }
  const { report } = built;
  if (json) io.out(JSON.stringify(report, null, 2));
  else for (const line of reportText(report)) io.out(line);
  // stdout stays one JSON document under --json
  if (htmlPath !== undefined) (json ? io.err : io.out)(`report: wrote ${htmlPath}`);
  if (!report.validation.ok) {
    io.err(FAIL_CLOSED_LINE);
    return 1;
  }
  return 0;
}
