// Cross-field validation of spec 1.4 and of the safety protocol's settings: each rule names the variables
// it reads and runs only when all of them parsed, so one bad value does not hide the other problems.
// Bounds on one knob alone are knob ranges (knobs.ts); only relations between knobs live here.
import { LIVE_TRADING_ACK_PHRASE } from '../domain/arming';
import type { ConfigIssue } from '../domain/errors';
import { sumDec } from '../domain/money';
import type { KnobName, KnobValues } from './knobs';
import { isLocalOnlyHost } from './local-hosts';

export interface CrossFieldRule {
  readonly reads: readonly KnobName[];
  /** The rule in one line, as the README lists it */
  readonly doc: string;
  /** Runs only when every variable in `reads` parsed; it must read no other */
  readonly check: (v: KnobValues) => ConfigIssue[];
}

const issue = (variable: string, message: string): ConfigIssue[] => [{ variable, message }];
const ok: ConfigIssue[] = [];

/** warn/fail pairs of spec 1.4 item 8: warn must be no stricter than fail */
const SLO_MAXIMA = [
  ['DOCTOR_SLO_MAX_DRAWDOWN_RATIO_WARN', 'DOCTOR_SLO_MAX_DRAWDOWN_RATIO_FAIL'],
  ['DOCTOR_SLO_MAX_REJECT_RATE_WARN', 'DOCTOR_SLO_MAX_REJECT_RATE_FAIL'],
] as const;

const CREDENTIALS = ['BTCTURK_API_KEY', 'BTCTURK_API_SECRET', 'BTCTURK_SECRET_ID'] as const;

/**
 * Signed requests (and the key in their headers) never cross a network in clear text: with live trading or
 * any credentials the exchange URL must be `secure`, except on a local-only host (local-hosts.ts), which
 * is how local runs and tests reach the simulator
 */
const encryptedTransport = (
  variable: 'BTCTURK_BASE_URL' | 'BTCTURK_WS_URL',
  secure: 'https' | 'wss',
): CrossFieldRule => ({
  reads: [variable, 'LIVE_TRADING', ...CREDENTIALS],
  doc: `\`${variable}\` is \`${secure}://\` when \`LIVE_TRADING=true\` or any of ${CREDENTIALS.map((c) => `\`${c}\``).join(', ')} is set; plain text only on a loopback host (127.0.0.0/8, ::1, localhost) or a never-resolving \`.invalid\` one`,
  check: (v) => {
    const url = new URL(v[variable]);
    const armed = v.LIVE_TRADING || CREDENTIALS.some((c) => v[c] !== undefined);
    if (!armed || url.protocol === `${secure}:` || isLocalOnlyHost(url.hostname)) return ok;
    return issue(
      variable,
      `must be ${secure}:// when LIVE_TRADING=true or credentials are set (${CREDENTIALS.join(', ')}); plain ${url.protocol.slice(0, -1)}:// only on a loopback host, was ${v[variable]}`,
    );
  },
});

export const CROSS_FIELD_RULES: readonly CrossFieldRule[] = [
  {
    // a lease that can expire while its holder still runs lets a second writer in (ARCHITECTURE 5.2)
    reads: ['LEASE_TTL_SECONDS', 'FUNCTION_TIMEOUT_SECONDS'],
    doc: '`LEASE_TTL_SECONDS` > `FUNCTION_TIMEOUT_SECONDS` (when the deployment sets it)',
    check: (v) =>
      v.FUNCTION_TIMEOUT_SECONDS !== undefined && v.LEASE_TTL_SECONDS <= v.FUNCTION_TIMEOUT_SECONDS
        ? issue(
            'LEASE_TTL_SECONDS',
            `must be longer than the function timeout FUNCTION_TIMEOUT_SECONDS=${v.FUNCTION_TIMEOUT_SECONDS}, was ${v.LEASE_TTL_SECONDS}`,
          )
        : ok,
  },
  {
    reads: ['LIVE_TRADING', 'DRY_RUN'],
    doc: '`LIVE_TRADING=true` excludes `DRY_RUN=true` (spec 1.4 item 1)',
    check: (v) =>
      v.LIVE_TRADING && v.DRY_RUN
        ? issue('LIVE_TRADING', 'LIVE_TRADING=true cannot be combined with DRY_RUN=true')
        : ok,
  },
  {
    reads: ['LIVE_TRADING', 'LIVE_TRADING_ACK', 'KILL_SWITCH', 'SAFE_MODE'],
    doc: '`LIVE_TRADING=true` requires `LIVE_TRADING_ACK=I_UNDERSTAND`, `KILL_SWITCH=false` and `SAFE_MODE=false` (spec 1.4 item 2)',
    check: (v) => {
      if (!v.LIVE_TRADING) return ok;
      const out: ConfigIssue[] = [];
      if (v.LIVE_TRADING_ACK !== LIVE_TRADING_ACK_PHRASE) {
        out.push({
          variable: 'LIVE_TRADING_ACK',
          message: `LIVE_TRADING=true requires LIVE_TRADING_ACK=${LIVE_TRADING_ACK_PHRASE}`,
        });
      }
      if (v.KILL_SWITCH) out.push({ variable: 'KILL_SWITCH', message: 'LIVE_TRADING=true requires KILL_SWITCH=false' });
      if (v.SAFE_MODE) out.push({ variable: 'SAFE_MODE', message: 'LIVE_TRADING=true requires SAFE_MODE=false' });
      return out;
    },
  },
  {
    // Credentials arrive from Secrets Manager in deployed functions; env keys are for local runs only
    reads: ['LIVE_TRADING', 'BTCTURK_API_KEY', 'BTCTURK_API_SECRET', 'BTCTURK_SECRET_ID'],
    doc: '`LIVE_TRADING=true` requires credentials: `BTCTURK_SECRET_ID`, or `BTCTURK_API_KEY` and `BTCTURK_API_SECRET` (spec 1.4 item 2)',
    check: (v) => {
      if (!v.LIVE_TRADING || v.BTCTURK_SECRET_ID) return ok;
      if (v.BTCTURK_API_KEY && v.BTCTURK_API_SECRET) return ok;
      return issue(
        'BTCTURK_SECRET_ID',
        'LIVE_TRADING=true requires credentials: BTCTURK_SECRET_ID, or BTCTURK_API_KEY and BTCTURK_API_SECRET',
      );
    },
  },
  {
    // half a pair is never used (no credentials at all), so it is a typo, not a choice
    reads: ['BTCTURK_API_KEY', 'BTCTURK_API_SECRET'],
    doc: '`BTCTURK_API_KEY` and `BTCTURK_API_SECRET` are set together or not at all',
    check: (v) => {
      if ((v.BTCTURK_API_KEY === undefined) === (v.BTCTURK_API_SECRET === undefined)) return ok;
      const missing = v.BTCTURK_API_KEY === undefined ? 'BTCTURK_API_KEY' : 'BTCTURK_API_SECRET';
      return issue(missing, 'BTCTURK_API_KEY and BTCTURK_API_SECRET must be set together: this one is missing');
    },
  },
  encryptedTransport('BTCTURK_BASE_URL', 'https'),
  encryptedTransport('BTCTURK_WS_URL', 'wss'),
  {
    // ARCHITECTURE 5.5, absence is believed only when proven: a submit we stopped waiting for may still be
    // reaching the venue until our connect and headers timeouts have run out, so a miss before that proves
    // nothing (the knob floors, 10 s and 2 checks, keep the proof from being one early read)
    reads: ['RECONCILE_NOT_PLACED_GRACE_SECONDS', 'BTCTURK_CONNECT_TIMEOUT_MS', 'BTCTURK_HEADERS_TIMEOUT_MS'],
    doc: '`RECONCILE_NOT_PLACED_GRACE_SECONDS` × 1000 > `BTCTURK_CONNECT_TIMEOUT_MS` + `BTCTURK_HEADERS_TIMEOUT_MS`: an order is never declared not placed while its submit could still be in flight (with the ranges grace >= 10 s and `RECONCILE_NOT_PLACED_CHECKS` >= 2)',
    check: (v) => {
      const inFlightMs = v.BTCTURK_CONNECT_TIMEOUT_MS + v.BTCTURK_HEADERS_TIMEOUT_MS;
      return v.RECONCILE_NOT_PLACED_GRACE_SECONDS * 1000 > inFlightMs
        ? ok
        : issue(
            'RECONCILE_NOT_PLACED_GRACE_SECONDS',
            `must be longer than BTCTURK_CONNECT_TIMEOUT_MS + BTCTURK_HEADERS_TIMEOUT_MS = ${inFlightMs} ms (a submit may still be in flight until then), was ${v.RECONCILE_NOT_PLACED_GRACE_SECONDS} s`,
          );
    },
  },
  {
    // each delivery of a reconcile message is one look; its last allowed delivery can still conclude
    reads: ['RECONCILE_MAX_RECEIVES', 'RECONCILE_NOT_PLACED_CHECKS'],
    doc: '`RECONCILE_MAX_RECEIVES` >= `RECONCILE_NOT_PLACED_CHECKS`: the queue delivers enough looks to prove an order not placed before it dead-letters the message',
    check: (v) =>
      v.RECONCILE_MAX_RECEIVES >= v.RECONCILE_NOT_PLACED_CHECKS
        ? ok
        : issue(
            'RECONCILE_MAX_RECEIVES',
            `must be at least RECONCILE_NOT_PLACED_CHECKS=${v.RECONCILE_NOT_PLACED_CHECKS}: every look is one delivery, was ${v.RECONCILE_MAX_RECEIVES}`,
          ),
  },
  {
    // a cached book kept past the serve-stale limit, or served past the freshness gate, contradicts them
    reads: ['ORDERBOOK_TTL_MS', 'ORDERBOOK_MAX_STALENESS_MS', 'MAX_MARKET_DATA_AGE_MS'],
    doc: '`ORDERBOOK_TTL_MS` <= `ORDERBOOK_MAX_STALENESS_MS` <= `MAX_MARKET_DATA_AGE_MS`',
    check: (v) => {
      const out: ConfigIssue[] = [];
      if (v.ORDERBOOK_TTL_MS > v.ORDERBOOK_MAX_STALENESS_MS) {
        out.push({ variable: 'ORDERBOOK_TTL_MS', message: 'expected ORDERBOOK_TTL_MS <= ORDERBOOK_MAX_STALENESS_MS' });
      }
      if (v.ORDERBOOK_MAX_STALENESS_MS > v.MAX_MARKET_DATA_AGE_MS) {
        out.push({
          variable: 'ORDERBOOK_MAX_STALENESS_MS',
          message:
            'expected ORDERBOOK_MAX_STALENESS_MS <= MAX_MARKET_DATA_AGE_MS: a book older than the freshness gate is never usable',
        });
      }
      return out;
    },
  },
  {
    reads: ['STAGE7_ENABLED', 'DRY_RUN', 'LIVE_TRADING'],
    doc: '`STAGE7_ENABLED=true` requires `DRY_RUN=true` and `LIVE_TRADING=false` (spec 1.4 item 3)',
    check: (v) =>
      v.STAGE7_ENABLED && (!v.DRY_RUN || v.LIVE_TRADING)
        ? issue('STAGE7_ENABLED', 'STAGE7_ENABLED=true requires DRY_RUN=true and LIVE_TRADING=false')
        : ok,
  },
  {
    reads: ['MARKET_DATA_MODE', 'BTCTURK_WS_ENABLED'],
    doc: '`MARKET_DATA_MODE=ws` requires `BTCTURK_WS_ENABLED=true` (spec 1.4 item 4), and is refused: this runtime has no WebSocket producer',
    check: (v) => {
      if (v.MARKET_DATA_MODE !== 'ws') return ok;
      if (!v.BTCTURK_WS_ENABLED)
        return issue('MARKET_DATA_MODE', 'MARKET_DATA_MODE=ws requires BTCTURK_WS_ENABLED=true');
      // spec 9.2.12: no WebSocket producer exists in a scheduled Lambda, so fail at startup rather than run without one
      return issue(
        'MARKET_DATA_MODE',
        'MARKET_DATA_MODE=ws is not supported: this runtime has no WebSocket market data producer',
      );
    },
  },
  {
    reads: ['WS_MARKET_DATA_REST_FALLBACK', 'MARKET_DATA_MODE'],
    doc: '`WS_MARKET_DATA_REST_FALLBACK=true` only with `MARKET_DATA_MODE=ws` (spec 1.4 item 5)',
    check: (v) =>
      v.WS_MARKET_DATA_REST_FALLBACK && v.MARKET_DATA_MODE !== 'ws'
        ? issue(
            'WS_MARKET_DATA_REST_FALLBACK',
            'WS_MARKET_DATA_REST_FALLBACK=true is only valid with MARKET_DATA_MODE=ws',
          )
        : ok,
  },
  {
    reads: ['STAGE7_VOL_LOW_THRESHOLD', 'STAGE7_VOL_HIGH_THRESHOLD'],
    doc: '`STAGE7_VOL_LOW_THRESHOLD` <= `STAGE7_VOL_HIGH_THRESHOLD` (spec 1.4 item 6)',
    check: (v) =>
      v.STAGE7_VOL_LOW_THRESHOLD.lte(v.STAGE7_VOL_HIGH_THRESHOLD)
        ? ok
        : issue('STAGE7_VOL_LOW_THRESHOLD', 'expected STAGE7_VOL_LOW_THRESHOLD <= STAGE7_VOL_HIGH_THRESHOLD'),
  },
  ...SLO_MAXIMA.map(
    ([warn, fail]): CrossFieldRule => ({
      reads: [warn, fail],
      doc: `\`${warn}\` <= \`${fail}\` (spec 1.4 item 8)`,
      check: (v) => (v[warn].lte(v[fail]) ? ok : issue(warn, `expected ${warn} <= ${fail}`)),
    }),
  ),
  {
    reads: ['DOCTOR_SLO_MAX_LATENCY_MS_WARN', 'DOCTOR_SLO_MAX_LATENCY_MS_FAIL'],
    doc: '`DOCTOR_SLO_MAX_LATENCY_MS_WARN` <= `DOCTOR_SLO_MAX_LATENCY_MS_FAIL` (spec 1.4 item 8)',
    check: (v) =>
      v.DOCTOR_SLO_MAX_LATENCY_MS_WARN <= v.DOCTOR_SLO_MAX_LATENCY_MS_FAIL
        ? ok
        : issue(
            'DOCTOR_SLO_MAX_LATENCY_MS_WARN',
            'expected DOCTOR_SLO_MAX_LATENCY_MS_WARN <= DOCTOR_SLO_MAX_LATENCY_MS_FAIL',
          ),
  },
  {
    reads: ['DOCTOR_SLO_MIN_FILL_RATE_WARN', 'DOCTOR_SLO_MIN_FILL_RATE_FAIL'],
    doc: '`DOCTOR_SLO_MIN_FILL_RATE_WARN` >= `DOCTOR_SLO_MIN_FILL_RATE_FAIL` (spec 1.4 item 8)',
    check: (v) =>
      v.DOCTOR_SLO_MIN_FILL_RATE_FAIL.lte(v.DOCTOR_SLO_MIN_FILL_RATE_WARN)
        ? ok
        : issue(
            'DOCTOR_SLO_MIN_FILL_RATE_WARN',
            'expected DOCTOR_SLO_MIN_FILL_RATE_WARN >= DOCTOR_SLO_MIN_FILL_RATE_FAIL',
          ),
  },
  {
    reads: ['PNL_DIVERGENCE_TRY_WARN', 'PNL_DIVERGENCE_TRY_ERROR'],
    doc: '`PNL_DIVERGENCE_TRY_WARN` <= `PNL_DIVERGENCE_TRY_ERROR` (spec 1.4 item 9)',
    check: (v) =>
      v.PNL_DIVERGENCE_TRY_WARN.lte(v.PNL_DIVERGENCE_TRY_ERROR)
        ? ok
        : issue('PNL_DIVERGENCE_TRY_WARN', 'expected PNL_DIVERGENCE_TRY_WARN <= PNL_DIVERGENCE_TRY_ERROR'),
  },
  {
    reads: ['API_DEGRADE_BACKOFF_MIN_SECONDS', 'API_DEGRADE_BACKOFF_MAX_SECONDS'],
    doc: '`API_DEGRADE_BACKOFF_MIN_SECONDS` <= `API_DEGRADE_BACKOFF_MAX_SECONDS`',
    check: (v) =>
      v.API_DEGRADE_BACKOFF_MIN_SECONDS <= v.API_DEGRADE_BACKOFF_MAX_SECONDS
        ? ok
        : issue(
            'API_DEGRADE_BACKOFF_MIN_SECONDS',
            'expected API_DEGRADE_BACKOFF_MIN_SECONDS <= API_DEGRADE_BACKOFF_MAX_SECONDS',
          ),
  },
  {
    reads: ['BTCTURK_REST_BASE_DELAY_MS', 'BTCTURK_REST_MAX_DELAY_MS'],
    doc: '`BTCTURK_REST_BASE_DELAY_MS` <= `BTCTURK_REST_MAX_DELAY_MS`',
    check: (v) =>
      v.BTCTURK_REST_BASE_DELAY_MS <= v.BTCTURK_REST_MAX_DELAY_MS
        ? ok
        : issue('BTCTURK_REST_BASE_DELAY_MS', 'expected BTCTURK_REST_BASE_DELAY_MS <= BTCTURK_REST_MAX_DELAY_MS'),
  },
  {
    reads: ['TRY_CASH_TARGET', 'TRY_CASH_MAX'],
    doc: '`TRY_CASH_TARGET` <= `TRY_CASH_MAX`',
    check: (v) =>
      v.TRY_CASH_TARGET.lte(v.TRY_CASH_MAX) ? ok : issue('TRY_CASH_TARGET', 'expected TRY_CASH_TARGET <= TRY_CASH_MAX'),
  },
  {
    // spec 3.22 allows an LLM-backed agent policy; a trading Lambda makes no network model calls, so only
    // the rule-based policy (shared/domain/risk/agent-policy.ts) exists
    reads: ['AGENT_LLM_ENABLED', 'AGENT_POLICY_PROVIDER'],
    doc: '`AGENT_LLM_ENABLED=true` or an `AGENT_POLICY_PROVIDER` other than `rule` is refused: no network model calls from a trading Lambda (spec 3.22)',
    check: (v) => {
      const out: ConfigIssue[] = [];
      const refused = 'an LLM-backed agent policy is refused: no network model calls from a trading Lambda';
      if (v.AGENT_LLM_ENABLED) out.push({ variable: 'AGENT_LLM_ENABLED', message: refused });
      if (v.AGENT_POLICY_PROVIDER.toLowerCase() !== 'rule') {
        out.push({
          variable: 'AGENT_POLICY_PROVIDER',
          message: `only the rule-based policy (rule) exists, was ${JSON.stringify(v.AGENT_POLICY_PROVIDER)}: ${refused}`,
        });
      }
      return out;
    },
  },
  {
    reads: ['LIVE_TRADING', 'BTCTURK_API_SCOPES'],
    doc: '`LIVE_TRADING=true` requires the `trade` scope in `BTCTURK_API_SCOPES` (spec 1.4 item 13)',
    check: (v) =>
      v.LIVE_TRADING && !v.BTCTURK_API_SCOPES.includes('trade')
        ? issue('BTCTURK_API_SCOPES', 'LIVE_TRADING=true requires the trade scope')
        : ok,
  },
  {
    reads: ['PORTFOLIO_TARGETS', 'SYMBOLS'],
    doc: '`PORTFOLIO_TARGETS` names only symbols in `SYMBOLS`, with weights summing to within (0.95, 1.05) (spec 1.4 item 12)',
    check: (v) => {
      const targets = v.PORTFOLIO_TARGETS;
      if (targets === undefined) return ok;
      const unknown = targets.filter((t) => !v.SYMBOLS.includes(t.key)).map((t) => t.key);
      if (unknown.length > 0) return issue('PORTFOLIO_TARGETS', `symbols not in SYMBOLS: ${unknown.join(',')}`);
      const total = sumDec(targets.map((t) => t.weight));
      if (!(total.gt('0.95') && total.lt('1.05'))) {
        return issue('PORTFOLIO_TARGETS', `expected weights summing to within (0.95, 1.05), was ${total.toFixed()}`);
      }
      return ok;
    },
  },
];
