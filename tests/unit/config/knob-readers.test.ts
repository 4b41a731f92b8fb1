// Spec 9.2.17: no knob that does nothing. The declared readers of every knob are checked against the
// source, and the loader refuses a set knob that nothing reads.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CROSS_FIELD_RULES } from '../../../shared/config/cross-field';
import { isRead, KNOB_READERS, type Reader } from '../../../shared/config/knob-readers';
import { KNOBS, type KnobName } from '../../../shared/config/knobs';
import { loadConfig } from '../../../shared/config/load-config';
import { configError } from '../../support/config-env';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const NAMES = Object.keys(KNOBS) as KnobName[];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .filter((f) => !f.startsWith(join('shared', 'config')));
}

// a knob named in a comment is not read: only code (identifiers, property names, strings) counts
const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
const SOURCES = ['shared', 'functions', 'bin']
  .flatMap(sourceFiles)
  .map((file) => ({ file, code: withoutComments(readFileSync(join(ROOT, file), 'utf8')) }));
const filesReferencing = (name: string) => {
  const word = new RegExp(`\\b${name}\\b`);
  return SOURCES.filter((s) => word.test(s.code)).map((s) => s.file);
};
/** Stage 7's pure modules and its cycle, which functions/stage7-cycle runs */
const STAGE7_MODULES =
  /^shared\/(domain\/(adaptation\/|(ledger|market|portfolio|oms|risk)\/stage7-|retry-backoff\.ts|token-bucket\.ts)|application\/stage7\/)/;
const STAGE4_DIRS = /^shared\/(domain\/(market|portfolio|oms|risk)|application\/stage4)\//;
const isStage4Module = (f: string) => STAGE4_DIRS.test(f) && !STAGE7_MODULES.test(f);
const isStage7Module = (f: string) => STAGE7_MODULES.test(f);

const readers = (name: KnobName): readonly Reader[] => {
  const r = KNOB_READERS[name];
  return isRead(r) ? r : [];
};
/** Read by code outside the configuration (not only by a load-time check) */
const readByCode = (name: KnobName) => readers(name).some((r) => r !== 'loader');
const unread = NAMES.filter((n) => !isRead(KNOB_READERS[n]));

describe('declared knob readers match the source (spec 9.2.17)', () => {
  it('every knob declared read by code is referenced in shared/, functions/ or bin/ outside shared/config', () => {
    const missing = NAMES.filter((n) => readByCode(n) && filesReferencing(n).length === 0);
    expect(missing).toEqual([]);
  });

  it('every knob referenced there is declared read by code', () => {
    const undeclared = NAMES.filter((n) => !readByCode(n) && filesReferencing(n).length > 0);
    expect(undeclared.map((n) => `${n}: ${filesReferencing(n).join(', ')}`)).toEqual([]);
  });

  it('a knob is declared read by stage4 exactly when a stage 4 decision module references it', () => {
    const mismatched = NAMES.filter((n) => readers(n).includes('stage4') !== filesReferencing(n).some(isStage4Module));
    expect(mismatched).toEqual([]);
  });

  it('a knob is declared read by stage7 exactly when a stage 7 module references it', () => {
    const mismatched = NAMES.filter((n) => readers(n).includes('stage7') !== filesReferencing(n).some(isStage7Module));
    expect(mismatched).toEqual([]);
    expect(readers('STAGE7_ENABLED')).toEqual(['stage7']);
    // read by both stages' modules, so declared for both
    expect(readers('STAGE7_VOL_LOOKBACK')).toEqual(['stage4', 'stage7']);
  });

  it('a knob read by the loader is read by a cross-field check, or pinned by its parser (ORDER_TYPE)', () => {
    const crossChecked = new Set(CROSS_FIELD_RULES.flatMap((r) => r.reads));
    const loaderOnly = NAMES.filter((n) => readers(n).includes('loader') && !crossChecked.has(n));
    expect(loaderOnly).toEqual(['ORDER_TYPE']);
    expect(KNOBS.ORDER_TYPE.schema.safeParse('MARKET').success).toBe(false);
  });
});

describe('loadConfig refuses a set knob that nothing reads', () => {
  it('refuses each one, even at its default value, naming it and why nothing reads it', () => {
    expect(unread.length).toBeGreaterThan(0);
    for (const name of unread) {
      const value = KNOBS[name].default ?? 'x';
      const e = configError({ [name]: value });
      expect(e.issues, name).toEqual([
        {
          variable: name,
          message: `${name} is not read by any function yet (${(KNOB_READERS[name] as { why: string }).why}); remove it`,
        },
      ]);
    }
  });

  it('says why a stage 7 knob is refused, and refuses under any casing or through an alias', () => {
    expect(configError({ stage7_mark_price_source: 'last' }).message).toContain(
      'STAGE7_MARK_PRICE_SOURCE is not read by any function yet (stage 7 marks are always the ticker mid (spec 4.2 step 10); no bid, ask or last choice is built); remove it',
    );
    expect(configError({ SECRET_MAX_AGE_DAYS: '30' }).issues.map((i) => i.variable)).toEqual(['SECRET_MAX_AGE_DAYS']);
  });

  it('accepts STAGE7_ENABLED now that the stage 7 function reads it, under any casing', () => {
    expect(loadConfig({ stage7_enabled: 'true' }).STAGE7_ENABLED).toBe(true);
  });

  it('keeps the defaults of unread knobs harmless: an empty environment loads', () => {
    const c = loadConfig({});
    expect(c.STAGE7_ENABLED).toBe(false);
    expect(c.TARGET_TRY.toFixed()).toBe('300');
  });

  it('accepts every knob that something reads, set to its default', () => {
    for (const name of NAMES.filter((n) => isRead(KNOB_READERS[n]) && KNOBS[n].default !== undefined)) {
      expect(() => loadConfig({ [name]: KNOBS[name].default }), name).not.toThrow();
    }
  });
});

describe('the agent policy is rule-based only (spec 3.22)', () => {
  it('refuses an LLM-backed policy at load: no network model calls from a trading Lambda', () => {
    expect(configError({ AGENT_LLM_ENABLED: 'true' }).message).toContain(
      'AGENT_LLM_ENABLED: an LLM-backed agent policy is refused: no network model calls from a trading Lambda',
    );
    const provider = configError({ AGENT_POLICY_PROVIDER: 'openai' });
    expect(provider.issues.map((i) => i.variable)).toEqual(['AGENT_POLICY_PROVIDER']);
    expect(provider.message).toContain('no network model calls from a trading Lambda');
    expect(configError({ AGENT_LLM_MODEL: 'gpt' }).message).toContain('no network model calls from a trading Lambda');
  });

  it('accepts the rule-based policy and its knobs', () => {
    const c = loadConfig({
      AGENT_POLICY_ENABLED: 'true',
      AGENT_POLICY_PROVIDER: 'rule',
      AGENT_LLM_ENABLED: 'false',
      AGENT_SYMBOL_ALLOWLIST: 'BTCTRY',
      AGENT_MAX_ORDER_NOTIONAL_TRY: '500',
      AGENT_MAX_SPREAD_BPS: '50',
      AGENT_OBSERVE_ONLY: 'false',
    });
    expect([c.AGENT_POLICY_ENABLED, c.AGENT_SYMBOL_ALLOWLIST, c.AGENT_MAX_ORDER_NOTIONAL_TRY.toFixed()]).toEqual([
      true,
      ['BTCTRY'],
      '500',
    ]);
  });
});
