import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  configReferenceMarkdown,
  crossChecksMarkdown,
  STAGE3_KNOBS,
  STAGE4_KNOBS,
  STAGE7_KNOBS,
  SUPPORTED_KNOBS,
  unsupportedKnobsMarkdown,
} from '../../../shared/config/config-reference';
import { CROSS_FIELD_RULES } from '../../../shared/config/cross-field';
import { KNOBS } from '../../../shared/config/knobs';

const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
const block = (marker: string) =>
  new RegExp(`<!-- ${marker}:begin -->\\n([\\s\\S]*?)\\n<!-- ${marker}:end -->`).exec(readme)?.[1];

describe('README configuration table', () => {
  it('matches the knob table (regenerate with: npm run btcbot -- config --reference)', () => {
    expect(block('config-reference')).toBe(configReferenceMarkdown());
  });

  it('has one row per supported knob and never shows a secret default', () => {
    const rows = configReferenceMarkdown().split('\n').slice(2);
    expect(rows).toHaveLength(SUPPORTED_KNOBS.length);
    expect(rows.some((r) => r.includes('not yet'))).toBe(false);
    expect(rows.filter((r) => r.includes('BTCTURK_API_SECRET'))[0]).toContain('(secret)');
  });

  it('shows the accepted range of each number', () => {
    const row = (name: string) => configReferenceMarkdown([name as keyof typeof KNOBS]).split('\n')[2];
    expect(row('MAX_MARKET_DATA_AGE_MS')).toBe(
      '| `MAX_MARKET_DATA_AGE_MS` \\| `BTCTURK_MARKETDATA_MAX_AGE_MS` | `15000` | ms | 1..60000 | 1.11 | stage3, stage4 | Freshness gate: older market data fails closed |',
    );
    expect(row('TTL_SECONDS')).toContain('| s | > 0 |');
    expect(row('RECONCILE_NOT_PLACED_CHECKS')).toContain('|  | >= 2 |');
  });

  it('says who reads each knob, and `not yet` for a knob that is refused when set', () => {
    const row = (name: string) => configReferenceMarkdown([name as keyof typeof KNOBS]).split('\n')[2];
    expect(row('RECONCILE_MAX_RECEIVES')).toContain('| 9.1.5 | reconcile, deploy |');
    expect(row('STAGE7_ENABLED')).toContain('| 1.3 | stage7 |');
    expect(row('STAGE7_MARK_PRICE_SOURCE')).toContain('| 1.12 | not yet |');
  });
});

describe('README unsupported knobs', () => {
  it('lists every knob nothing reads, with the reason loading gives (regenerate with: npm run btcbot -- config --reference --unsupported)', () => {
    expect(block('unsupported-knobs')).toBe(unsupportedKnobsMarkdown());
    const rows = unsupportedKnobsMarkdown().split('\n').slice(2);
    expect(rows.length + SUPPORTED_KNOBS.length).toBe(Object.keys(KNOBS).length);
    expect(rows.find((r) => r.startsWith('| `STAGE7_MARK_PRICE_SOURCE`'))).toContain(
      '| 1.12 | stage 7 marks are always',
    );
  });
});

describe('README stage 3 table', () => {
  it('matches the stage 3 knob list (regenerate with: npm run btcbot -- config --reference --stage3)', () => {
    expect(block('stage3-config')).toBe(configReferenceMarkdown(STAGE3_KNOBS));
  });
});

describe('README stage 4 table', () => {
  it('matches the knobs the stage 4 cycle reads (regenerate with: npm run btcbot -- config --reference --stage4)', () => {
    expect(block('stage4-config')).toBe(configReferenceMarkdown(STAGE4_KNOBS));
    expect(STAGE4_KNOBS).toContain('KILL_SWITCH_FREEZE_ALL');
    expect(STAGE4_KNOBS).not.toContain('RECONCILE_MAX_RECEIVES');
  });
});

describe('README stage 7 table', () => {
  it('matches the knobs the stage 7 cycle reads (regenerate with: npm run btcbot -- config --reference --stage7)', () => {
    expect(block('stage7-config')).toBe(configReferenceMarkdown(STAGE7_KNOBS));
    expect(STAGE7_KNOBS).toContain('STAGE7_ENABLED');
    expect(STAGE7_KNOBS).not.toContain('STAGE7_MARK_PRICE_SOURCE');
  });
});

describe('README cross-checks', () => {
  it('lists every cross-field rule the loader applies (the block between the cross-checks markers)', () => {
    expect(block('cross-checks')).toBe(crossChecksMarkdown());
    expect(crossChecksMarkdown().split('\n')).toHaveLength(CROSS_FIELD_RULES.length);
  });

  it('names in each line every variable its rule reads', () => {
    for (const rule of CROSS_FIELD_RULES) {
      for (const name of rule.reads) expect(rule.doc, name).toContain(name);
    }
  });
});
