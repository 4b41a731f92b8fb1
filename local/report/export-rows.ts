// `btcbot export`: a run's records as flat run-metrics rows (spec 4.21) in CSV, JSON or JSON lines. A row is
// the record's scalar fields under their record names, in the schema's order (so a field the record gains is
// exported too), its lists (universe, flags, risk reasons) as lists (joined by `;` in CSV), and the marks and
// fills, which do not flatten, as their counts.
import { type Stage7RunRecord, Stage7RunRecordSchema } from '../../shared/application/stage7/run-record';

export const EXPORT_FORMATS = ['csv', 'json', 'jsonl', 'both'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

type Cell = string | number | boolean | null | readonly string[];
export type ExportRow = Readonly<Record<string, Cell>>;

const NESTED = new Set(['marks', 'fills']);
const SCALARS = Object.keys(Stage7RunRecordSchema.shape).filter((k) => !NESTED.has(k)) as (keyof Stage7RunRecord)[];

export const EXPORT_COLUMNS: readonly string[] = [...SCALARS, 'markCount', 'fillCount'];

export function exportRow(r: Stage7RunRecord): ExportRow {
  const row: Record<string, Cell> = {};
  for (const key of SCALARS) row[key] = r[key] as Cell;
  row.markCount = Object.keys(r.marks).length;
  row.fillCount = r.fills.length;
  return row;
}

/** RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled */
const csvCell = (c: Cell): string => {
  const text = c === null ? '' : Array.isArray(c) ? c.join(';') : String(c);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export const csvText = (rows: readonly ExportRow[]): string =>
  [EXPORT_COLUMNS, ...rows.map((r) => EXPORT_COLUMNS.map((k) => r[k] ?? null))]
    .map((cells) => `${cells.map((c) => csvCell(c as Cell)).join(',')}\r\n`)
    .join('');

export const jsonText = (rows: readonly ExportRow[]): string => `${JSON.stringify(rows, null, 2)}\n`;

export const jsonlText = (rows: readonly ExportRow[]): string => rows.map((r) => `${JSON.stringify(r)}\n`).join('');
