// Credentials from configuration values (local runs only; deployed functions read Secrets Manager).
// Without them, the first private call fails with a ConfigError naming what is missing.
import { ConfigError } from '../domain/errors';
import type { ApiCredentials, CredentialsProvider } from '../ports/credentials';

export class StaticCredentials implements CredentialsProvider {
  constructor(private readonly credentials: ApiCredentials | undefined) {}

  async get(): Promise<ApiCredentials> {
    if (!this.credentials) {
      throw new ConfigError([
        {
          variable: 'BTCTURK_SECRET_ID',
          message: 'no credentials: set BTCTURK_SECRET_ID, or BTCTURK_API_KEY and BTCTURK_API_SECRET',
        },
      ]);
    }
    return this.credentials;
  }
}
