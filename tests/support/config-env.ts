// Configuration test helpers: an armed live environment and the ConfigError a bad one must raise
import { loadConfig } from '../../shared/config/load-config';
import { ConfigError } from '../../shared/domain/errors';

/** Every arming gate of spec 1.7 open, credentials from a Secrets Manager id */
export const liveEnv = {
  APP_ROLE: 'LIVE',
  DRY_RUN: 'false',
  LIVE_TRADING: 'true',
  LIVE_TRADING_ACK: 'I_UNDERSTAND',
  KILL_SWITCH: 'false',
  SAFE_MODE: 'false',
  BTCTURK_SECRET_ID: 'btcbot/dev/btcturk',
};

/** The ConfigError `env` raises; fails the test when it loads or throws anything else */
export function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}
