// The fail-closed financial validations: a consistent run passes; each broken rule is found and named.
import { describe, expect, it } from 'vitest';
import { RunValidator } from '../../../local/report/validation';
import type { Stage7RunRecord } from '../../../shared/application/stage7/run-record';
import { recordsOf, SCENARIO } from './run-fixture';

function validate(records: readonly Stage7RunRecord[]) {
  const v = new RunValidator();
  for (const r of records) v.add(r);
  return v;
}

const scenario = () => recordsOf('1000', SCENARIO);

describe('RunValidator', () => {
  it('passes a run whose records keep net = gross - fees, rising time and a drawdown in [0, 1]', () => {
    const v = validate(scenario());
    expect([v.errorCount, v.errors]).toEqual([0, []]);
  });

  it('allows 0.01 TRY between net and gross - fees and refuses more, naming the cycle and the figures', () => {
    const records = scenario();
    const [a, b] = records;
    if (!a || !b) throw new Error('records expected');
    // gross 0, fees 0.2: net -0.2 expected
    records[0] = { ...a, netPnlTry: '-0.19' };
    records[1] = { ...b, netPnlTry: '19.789' };
    const v = validate(records);
    expect(v.errorCount).toBe(1);
    expect(v.errors[0]).toEqual({
      cycleId: b.cycleId,
      ts: b.ts,
      check: 'net_identity',
      message: 'expected net PnL 19.8 TRY (gross 20 - fees 0.2) within 0.01, was 19.789',
    });
  });

  it('finds a cycle not after the one before it, and a ts that is not the text of tsMs', () => {
    const records = scenario();
    const [a, b, c] = records;
    if (!a || !b || !c) throw new Error('records expected');
    records[1] = { ...b, tsMs: a.tsMs, ts: a.ts };
    records[2] = { ...c, ts: '2026-11-22T23:59:01.000Z' };
    const v = validate(records);
    expect(v.errors.map((e) => [e.cycleId, e.check])).toEqual([
      [b.cycleId, 'timestamps_monotonic'],
      [c.cycleId, 'ts_text'],
    ]);
    expect(v.errors[0]?.message).toBe(`expected a time after ${a.ts} (cycle ${a.cycleId}), was ${a.ts}`);
  });

  it('refuses a drawdown ratio above 1 and keeps counting past the findings it keeps word for word', () => {
    const base = scenario()[0];
    if (!base) throw new Error('a record expected');
    const records = Array.from({ length: 150 }, (_, i) => ({
      ...base,
      tsMs: base.tsMs + i * 60_000,
      ts: new Date(base.tsMs + i * 60_000).toISOString(),
      maxDrawdownRatio: '1.5',
    }));
    const v = validate(records);
    expect(v.errorCount).toBe(150);
    expect(v.errors).toHaveLength(100);
    expect(v.errors[0]).toMatchObject({
      check: 'drawdown_range',
      message: 'expected a max drawdown ratio in [0, 1], was 1.5',
    });
  });
});
