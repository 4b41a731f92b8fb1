// Spec 9.2.17: no knob that does nothing. The declared readers of every knob are checked against the
// source, and the loader refuses a set knob that nothing reads.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CROSS_FIELD_RULES } from '../../../shared/config/cross-field';
import { isRead, KNOB_READERS, type Reader, STAGE7_UNRUN } from '../../../shared/config/knob-readers';
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
/** Stage 7's pure modules and its cycle, built ahead of the function that will run them */
const STAGE7_MODULES =
  /^shared\/(domain\/(adaptation\/|(market|portfolio|oms|risk)\/stage7-|retry-backoff\.ts|token-bucket\.ts)|application\/stage7\/)/;
const STAGE4_DIRS = /^shared\/(domain\/(market|portfolio|oms|risk)|application\/stage4)\//;
const isStage4Module = (f: string) => STAGE4_DIRS.test(f) && !STAGE7_MODULES.test(f);
/** Referenced, but only by stage 7 modules no function runs: still refused when set, and declared so */
const unrunStage7 = (name: KnobName) => filesReferencing(name).every((f) => STAGE7_MODULES.test(f));

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
    const undeclared = NAMES.filter(
      (n) => !readByCode(n) && filesReferencing(n).length > 0 && !(KNOB_READERS[n] === STAGE7_UNRUN && unrunStage7(n)),
    );
    expect(undeclared.map((n) => `${n}: ${filesReferencing(n).join(', ')}`)).toEqual([]);
  });

  it('a knob declared read only by unrun stage 7 modules is referenced by one, and by nothing else', () => {
    const declared = NAMES.filter((n) => KNOB_READERS[n] === STAGE7_UNRUN);
    expect(declared.length).toBeGreaterThan(0);
    const wrong = declared.filter((n) => filesReferencing(n).length === 0 || !unrunStage7(n));
    expect(wrong.map((n) => `${n}: ${filesReferencing(n).join(', ') || 'nothing'}`)).toEqual([]);
  });

  it('a knob is declared read by stage4 exactly when a stage 4 decision module references it', () => {
    const mismatched = NAMES.filter((n) => readers(n).includes('stage4') !== filesReferencing(n).some(isStage4Module));
    expect(mismatched).toEqual([]);
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

  it('says why stage 7 knobs are refused, and refuses under any casing or through an alias', () => {
    expect(configError({ stage7_enabled: 'true' }).message).toContain(
      'STAGE7_ENABLED is not read by any function yet (only stage 7 modules no function runs yet read it, issue 15); remove it',
    );
    expect(configError({ SECRET_MAX_AGE_DAYS: '30' }).issues.map((i) => i.variable)).toEqual(['SECRET_MAX_AGE_DAYS']);
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
