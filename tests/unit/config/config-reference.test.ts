import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configReferenceMarkdown, STAGE3_KNOBS } from '../../../shared/config/config-reference';
import { KNOBS } from '../../../shared/config/knobs';

describe('README configuration table', () => {
  it('matches the knob table (regenerate with: npm run btcbot -- config --reference)', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
    const block = /<!-- config-reference:begin -->\n([\s\S]*?)\n<!-- config-reference:end -->/.exec(readme)?.[1];
    expect(block).toBe(configReferenceMarkdown());
  });

  it('has one row per knob and never shows a secret default', () => {
    const rows = configReferenceMarkdown().split('\n').slice(2);
    expect(rows).toHaveLength(Object.keys(KNOBS).length);
    expect(rows.filter((r) => r.includes('BTCTURK_API_SECRET'))[0]).toContain('(secret)');
  });
});

describe('README stage 3 table', () => {
  it('matches the stage 3 knob list (regenerate with: npm run btcbot -- config --reference --stage3)', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
    const block = /<!-- stage3-config:begin -->\n([\s\S]*?)\n<!-- stage3-config:end -->/.exec(readme)?.[1];
    expect(block).toBe(configReferenceMarkdown(STAGE3_KNOBS));
  });
});
