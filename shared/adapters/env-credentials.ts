// Credentials from configuration values (local runs only; deployed functions read Secrets Manager),
// checked by the same schema as a secret's. Without them, the first private call fails with a ConfigError
// naming what is missing.
import { parseApiCredentials } from '../config/api-credentials';
import { ConfigError } from '../domain/errors';
import type { ApiCredentials, CredentialsProvider } from '../ports/credentials';

const VARIABLE = { apiKey: 'BTCTURK_API_KEY', apiSecret: 'BTCTURK_API_SECRET', '(root)': 'BTCTURK_API_KEY' } as const;

export class StaticCredentials implements CredentialsProvider {
  readonly #credentials: ApiCredentials | undefined;

  /** @throws ConfigError naming BTCTURK_API_KEY / BTCTURK_API_SECRET when a value is malformed (never the value) */
  constructor(credentials: ApiCredentials | undefined) {
    if (credentials === undefined) return;
    const parsed = parseApiCredentials(credentials);
    if (Array.isArray(parsed)) {
      throw new ConfigError(parsed.map((p) => ({ variable: VARIABLE[p.field], message: p.message })));
    }
    this.#credentials = parsed;
  }

  async get(): Promise<ApiCredentials> {
    if (!this.#credentials) {
      throw new ConfigError([
        {
          variable: 'BTCTURK_SECRET_ID',
          message: 'no credentials: set BTCTURK_SECRET_ID, or BTCTURK_API_KEY and BTCTURK_API_SECRET',
        },
      ]);
    }
    return this.#credentials;
  }
}
