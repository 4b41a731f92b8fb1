// Export rows: every scalar field of the record schema as a column in its order, lists joined in CSV, cells
// with commas or quotes quoted as RFC 4180 says, and JSON / JSON lines that parse back to the same rows.
import { describe, expect, it } from 'vitest';
import { csvText, EXPORT_COLUMNS, exportRow, jsonlText, jsonText } from '../../../local/report/export-rows';
import { Stage7RunRecordSchema } from '../../../shared/application/stage7/run-record';
import { recordsOf, SCENARIO } from './run-fixture';

const records = recordsOf('1000', SCENARIO);

describe('export rows', () => {
  it('has a column per scalar record field, then the counts of marks and fills', () => {
    const scalars = Object.keys(Stage7RunRecordSchema.shape).filter((k) => k !== 'marks' && k !== 'fills');
    expect(EXPORT_COLUMNS).toEqual([...scalars, 'markCount', 'fillCount']);
    const [first] = records;
    if (!first) throw new Error('a record expected');
    const row = exportRow(first);
    expect(row).toMatchObject({ netPnlTry: '-0.2', universe: ['BTCTRY', 'ETHTRY'], markCount: 2, fillCount: 1 });
  });

  it('writes CSV with a header, lists joined by ; and quoted cells where RFC 4180 needs them', () => {
    const [first] = records;
    if (!first) throw new Error('a record expected');
    const odd = { ...first, paramChange: 'APPLIED 1->2 say "hi", then go' };
    const lines = csvText([exportRow(odd)]).split('\r\n');
    expect(lines[0]).toBe(EXPORT_COLUMNS.join(','));
    const cells = new Map(EXPORT_COLUMNS.map((c, i) => [c, i]));
    expect(lines[1]).toContain(',"APPLIED 1->2 say ""hi"", then go",');
    expect(lines[1]?.split(',')[cells.get('universe') ?? -1]).toBe('BTCTRY;ETHTRY');
    expect(lines[2]).toBe('');
  });

  it('writes JSON and JSON lines that parse back to the rows', () => {
    const rows = records.map(exportRow);
    expect(JSON.parse(jsonText(rows))).toEqual(rows);
    const lines = jsonlText(rows).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(rows);
  });
});
