// Cross-field validation of spec 1.4: each rule names the variables it reads and runs only when all of
// them parsed, so one bad value does not hide the other problems.
import { LIVE_TRADING_ACK_PHRASE } from '../domain/arming';
import type { ConfigIssue } from '../domain/errors';
import { sumDec } from '../domain/money';
import type { KnobName, KnobValues } from './knobs';

export interface CrossFieldRule {
  readonly reads: readonly KnobName[];
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

export const CROSS_FIELD_RULES: readonly CrossFieldRule[] = [
  {
    // a lease that can expire while its holder still runs lets a second writer in (ARCHITECTURE 5.2)
    reads: ['LEASE_TTL_SECONDS', 'FUNCTION_TIMEOUT_SECONDS'],
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
    check: (v) =>
      v.LIVE_TRADING && v.DRY_RUN
        ? issue('LIVE_TRADING', 'LIVE_TRADING=true cannot be combined with DRY_RUN=true')
        : ok,
  },
  {
    reads: ['LIVE_TRADING', 'LIVE_TRADING_ACK', 'KILL_SWITCH', 'SAFE_MODE'],
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
    reads: ['STAGE7_ENABLED', 'DRY_RUN', 'LIVE_TRADING'],
    check: (v) =>
      v.STAGE7_ENABLED && (!v.DRY_RUN || v.LIVE_TRADING)
        ? issue('STAGE7_ENABLED', 'STAGE7_ENABLED=true requires DRY_RUN=true and LIVE_TRADING=false')
        : ok,
  },
  {
    reads: ['MARKET_DATA_MODE', 'BTCTURK_WS_ENABLED'],
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
    check: (v) =>
      v.STAGE7_VOL_LOW_THRESHOLD.lte(v.STAGE7_VOL_HIGH_THRESHOLD)
        ? ok
        : issue('STAGE7_VOL_LOW_THRESHOLD', 'expected STAGE7_VOL_LOW_THRESHOLD <= STAGE7_VOL_HIGH_THRESHOLD'),
  },
  ...SLO_MAXIMA.map(
    ([warn, fail]): CrossFieldRule => ({
      reads: [warn, fail],
      check: (v) => (v[warn].lte(v[fail]) ? ok : issue(warn, `expected ${warn} <= ${fail}`)),
    }),
  ),
  {
    reads: ['DOCTOR_SLO_MAX_LATENCY_MS_WARN', 'DOCTOR_SLO_MAX_LATENCY_MS_FAIL'],
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
    check: (v) =>
      v.PNL_DIVERGENCE_TRY_WARN.lte(v.PNL_DIVERGENCE_TRY_ERROR)
        ? ok
        : issue('PNL_DIVERGENCE_TRY_WARN', 'expected PNL_DIVERGENCE_TRY_WARN <= PNL_DIVERGENCE_TRY_ERROR'),
  },
  {
    reads: ['API_DEGRADE_BACKOFF_MIN_SECONDS', 'API_DEGRADE_BACKOFF_MAX_SECONDS'],
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
    check: (v) =>
      v.BTCTURK_REST_BASE_DELAY_MS <= v.BTCTURK_REST_MAX_DELAY_MS
        ? ok
        : issue('BTCTURK_REST_BASE_DELAY_MS', 'expected BTCTURK_REST_BASE_DELAY_MS <= BTCTURK_REST_MAX_DELAY_MS'),
  },
  {
    reads: ['TRY_CASH_TARGET', 'TRY_CASH_MAX'],
    check: (v) =>
      v.TRY_CASH_TARGET.lte(v.TRY_CASH_MAX) ? ok : issue('TRY_CASH_TARGET', 'expected TRY_CASH_TARGET <= TRY_CASH_MAX'),
  },
  {
    reads: ['LIVE_TRADING', 'BTCTURK_API_SCOPES'],
    check: (v) =>
      v.LIVE_TRADING && !v.BTCTURK_API_SCOPES.includes('trade')
        ? issue('BTCTURK_API_SCOPES', 'LIVE_TRADING=true requires the trade scope')
        : ok,
  },
  {
    reads: ['PORTFOLIO_TARGETS', 'SYMBOLS'],
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
