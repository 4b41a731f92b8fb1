import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configCommand } from '../../../bin/commands/config-command';
import { commandEnvironment } from '../../../bin/commands/environment';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('btcbot config', () => {
  it('prints the blocked banner first, then every supported value and no knob that nothing reads', () => {
    const { io, out } = capture();
    expect(configCommand({}, {}, io)).toBe(0);
    expect(out[0]).toMatch(
      /^Effective Side-Effects State: BLOCKED .*reasons=MONITOR_ROLE,KILL_SWITCH,DRY_RUN,NOT_ARMED,ACK_MISSING/,
    );
    expect(out.some((l) => /^LEASE_TTL_SECONDS\s+180$/.test(l))).toBe(true);
    expect(out.some((l) => l.startsWith('TARGET_TRY'))).toBe(false);
  });

  it('prints the unsupported knobs with why each is refused', () => {
    const { io, out } = capture();
    expect(configCommand({}, { reference: true, unsupported: true }, io)).toBe(0);
    expect(out.join('\n')).toContain('| `TARGET_TRY` | 1.8 | the stage 3 sweep planner is not run, spec 9.2.18 |');
  });

  it('shows ARMED only with every gate open', () => {
    const { io, out } = capture();
    const env = {
      APP_ROLE: 'LIVE',
      DRY_RUN: 'false',
      SAFE_MODE: 'false',
      KILL_SWITCH: 'false',
      LIVE_TRADING: 'true',
      LIVE_TRADING_ACK: 'I_UNDERSTAND',
      BTCTURK_SECRET_ID: 'btcbot/prod/btcturk',
    };
    expect(configCommand(env, {}, io)).toBe(0);
    expect(out[0]).toMatch(/^Effective Side-Effects State: ARMED .*reasons=NONE$/);
  });

  it('lists every problem by variable and exits 2', () => {
    const { io, out, err } = capture();
    expect(configCommand({ TRY_CASH_TARGET: 'x', TTL_SECONDS: '-5' }, {}, io)).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([
      'Invalid configuration (2 problems):',
      '  TTL_SECONDS: expected > 0, was "-5"',
      '  TRY_CASH_TARGET: expected a plain decimal number, was "x"',
    ]);
  });

  it('masks secrets in JSON output', () => {
    const { io, out } = capture();
    configCommand({ BTCTURK_API_KEY: 'pk-live-1', BTCTURK_API_SECRET: 'c2VjcmV0LWtleQ==' }, { json: true }, io);
    const shown = JSON.parse(out.join('\n')) as Record<string, string>;
    expect(shown.BTCTURK_API_KEY).toBe('***');
    expect(out.join('\n')).not.toContain('c2VjcmV0LWtleQ==');
    expect(out.join('\n')).not.toContain('pk-live-1');
  });

  it('merges a .env in the working directory under the process environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'btcbot-env-'));
    writeFileSync(join(dir, '.env'), 'TARGET_TRY=150\nOFFSET_BPS=5\n');
    const env = commandEnvironment(dir, { OFFSET_BPS: '7' });
    expect(env.TARGET_TRY).toBe('150');
    expect(env.OFFSET_BPS).toBe('7');
  });
});
