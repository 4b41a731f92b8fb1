// `btcbot export --run <dir> [--last 50] [--format csv|json|jsonl|both] [--out file]`: a stage 7 run folder's
// last cycles as flat run-metrics rows (spec 4.21, local/report/export-rows.ts), on stdout or into --out.
// `both` writes CSV and JSON side by side, so it needs --out: `<out>.csv` and `<out>.json`. Without --last it
// says on stderr how many rows it exports (as spec 4.21's backtest export does). Files are written whole or
// not at all. Exit 0; 2 on bad input (one line, nothing written).
import { badInputLine } from '../../local/report/bad-input';
import { parseExportOptions, type RawExportOptions } from '../../local/report/cli-options';
import { csvText, type ExportRow, exportRow, jsonlText, jsonText } from '../../local/report/export-rows';
import { lastRecords } from '../../local/report/last-records';
import { openRun } from '../../local/report/open-run';
import { writeFilesAtomically } from '../../local/report/write-files';
import type { CommandIo } from './config-command';

export type { RawExportOptions } from '../../local/report/cli-options';

export const EXPORT_LAST_DEFAULT = 50;

const TEXT = { csv: csvText, json: jsonText, jsonl: jsonlText } as const;

export function exportCommand(raw: RawExportOptions, io: CommandIo): number {
  try {
    const options = parseExportOptions(raw);
    const format = options.format ?? 'csv';
    if (format === 'both' && options.out === undefined) {
      io.err('export: --format both writes two files: give --out <path> (writes <path>.csv and <path>.json)');
      return 2;
    }
    const last = options.last ?? EXPORT_LAST_DEFAULT;
    const { records, total } = lastRecords(openRun(options.run), last);
    const rows: ExportRow[] = records.map(exportRow);
    if (options.last === undefined)
      io.err(`export: exporting the last ${rows.length} of ${total} rows (--last ${last})`);
    if (options.out === undefined) {
      // `both` without --out was refused above
      io.out(TEXT[format === 'both' ? 'csv' : format](rows).replace(/\r?\n$/, ''));
      return 0;
    }
    const stem = options.out.replace(/\.(csv|json)$/, '');
    const files =
      format === 'both'
        ? [
            { path: `${stem}.csv`, text: csvText(rows) },
            { path: `${stem}.json`, text: jsonText(rows) },
          ]
        : [{ path: options.out, text: TEXT[format](rows) }];
    writeFilesAtomically(files);
    io.err(`export: wrote ${rows.length} rows to ${files.map((f) => f.path).join(' and ')}`);
    return 0;
  } catch (e) {
    const line = badInputLine('export', e);
    if (line === undefined) throw e;
    io.err(line);
    return 2;
  }
}
