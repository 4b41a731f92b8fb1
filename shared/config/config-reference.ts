// Renders configuration reference tables and the list of cross-checks (README) from the knob table and
// the cross-field rules themselves, so the documentation cannot drift from what the loader accepts.
import { CROSS_FIELD_RULES } from './cross-field';
import type { Knob } from './knob';
import { isRead, KNOB_READERS, type Reader, readersText } from './knob-readers';
import { KNOBS, type KnobName } from './knobs';

const cell = (s: string) => s.replaceAll('|', '\\|');

const KNOB_NAMES = Object.keys(KNOBS) as KnobName[];

/** The knobs some code reads: the only ones a configuration may set */
export const SUPPORTED_KNOBS: readonly KnobName[] = KNOB_NAMES.filter((name) => isRead(KNOB_READERS[name]));

/** Every supported knob, or only `names` in the given order, with who reads it */
export function configReferenceMarkdown(names: readonly KnobName[] = SUPPORTED_KNOBS): string {
  const rows = names.map((name) => {
    const k: Knob = KNOBS[name];
    const shown = [name, ...(k.aliases ?? [])].map((n) => `\`${n}\``).join(' \\| ');
    const def = k.secret ? '(secret)' : k.default === undefined ? 'unset' : `\`${cell(k.default)}\``;
    const readBy = readersText(KNOB_READERS[name]);
    return `| ${shown} | ${def} | ${k.unit ?? ''} | ${k.range ?? ''} | ${k.section} | ${readBy} | ${cell(k.doc)} |`;
  });
  const header = '| Variable | Default | Unit | Range | Spec | Read by | Meaning |';
  return [header, '|---|---|---|---|---|---|---|', ...rows].join('\n');
}

/**
 * The knobs of the reference bot that nothing here reads: setting one fails the load with the same reason
 * (spec 9.2.17), so a configuration carried over from the reference says which of its settings would do nothing
 */
export function unsupportedKnobsMarkdown(): string {
  const rows = KNOB_NAMES.flatMap((name) => {
    const readers = KNOB_READERS[name];
    if (isRead(readers)) return [];
    const shown = [name, ...(KNOBS[name].aliases ?? [])].map((n) => `\`${n}\``).join(' \\| ');
    return [`| ${shown} | ${KNOBS[name].section} | ${cell(readers.why)} |`];
  });
  return ['| Variable | Spec | Refused when set: why nothing reads it |', '|---|---|---|', ...rows].join('\n');
}

/** Every cross-field rule the loader applies, one bullet each */
export const crossChecksMarkdown = (): string => CROSS_FIELD_RULES.map((r) => `- ${r.doc}`).join('\n');

/** What an operator of the stage 3 and reconcile functions sets (the README "Stage 3" table) */
export const STAGE3_KNOBS: readonly KnobName[] = [
  'BOT_ENV',
  'BOT_ACCOUNT',
  'SYMBOLS',
  'APP_ROLE',
  'DRY_RUN',
  'SAFE_MODE',
  'KILL_SWITCH',
  'LIVE_TRADING',
  'LIVE_TRADING_ACK',
  'KILL_SWITCH_PARAMETER',
  'KILL_SWITCH_CACHE_SECONDS',
  'BTCTURK_SECRET_ID',
  'STATE_TABLE_NAME',
  'RECONCILE_QUEUE_URL',
  'LEASE_TTL_SECONDS',
  'FUNCTION_TIMEOUT_SECONDS',
  'CYCLE_MAX_EVENT_AGE_SECONDS',
  'MAX_MARKET_DATA_AGE_MS',
  'TTL_SECONDS',
  'MIN_PROFIT_BPS',
  'STAGE3_TAKE_PROFIT_WHOLE_BELOW_MIN',
  'TRY_CASH_TARGET',
  'DRY_RUN_TRY_BALANCE',
  'MAX_ORDERS_PER_CYCLE',
  'MAX_OPEN_ORDERS_PER_SYMBOL',
  'COOLDOWN_SECONDS',
  'MAX_NOTIONAL_PER_ORDER_TRY',
  'NOTIONAL_CAP_TRY_PER_CYCLE',
  'MIN_ORDER_NOTIONAL_TRY',
  'FILLS_POLL_LOOKBACK_MINUTES',
  'EXECUTION_ESTIMATED_FEE_BPS',
  'EXECUTION_BALANCE_SAFETY_BUFFER_RATIO',
  'EXECUTION_SELL_FEE_IN_BASE_BPS',
  'SPOT_SELL_REQUIRES_INVENTORY',
  'ORDERBOOK_TTL_MS',
  'RULES_CACHE_TTL_SEC',
  'FULL_LISTING_PERIOD_SECONDS',
  'RECONCILE_NOT_PLACED_GRACE_SECONDS',
  'RECONCILE_NOT_PLACED_CHECKS',
  'RECONCILE_CANCEL_GRACE_SECONDS',
  'RECONCILE_MAX_RECEIVES',
  'RECONCILE_ESCALATE_SYMBOL_AFTER',
  'RECONCILE_ESCALATE_KILL_SWITCH_SYMBOLS',
  'RECONCILE_RETRY_DELAY_SECONDS',
  'BTCTURK_BASE_URL',
  'BTCTURK_CONNECT_TIMEOUT_MS',
  'BTCTURK_HEADERS_TIMEOUT_MS',
  'BTCTURK_BODY_TIMEOUT_MS',
  'LOG_LEVEL',
];

/** The knobs `reader` is declared to read, in table order */
const readBy = (reader: Reader): readonly KnobName[] =>
  KNOB_NAMES.filter((name) => {
    const readers = KNOB_READERS[name];
    return isRead(readers) && readers.includes(reader);
  });

/** What the stage 4 cycle reads (the README "Stage 4" table): derived from the declared readers */
export const STAGE4_KNOBS = readBy('stage4');
/** What the stage 7 cycle reads (the README "Stage 7" table): derived from the declared readers */
export const STAGE7_KNOBS = readBy('stage7');
