// API credentials from a Secrets Manager secret `{"apiKey": ..., "apiSecret": ...}`, read once per
// container and kept for `ttlMs`. A missing or malformed secret (checked by the one credentials schema) is
// a ConfigError naming the fields that are wrong, never their values.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseApiCredentials } from '../../config/api-credentials';
import { ConfigError } from '../../domain/errors';
import type { Clock } from '../../ports/clock';
import type { ApiCredentials, CredentialsProvider } from '../../ports/credentials';

export class SecretsManagerCredentials implements CredentialsProvider {
  #cached: { value: ApiCredentials; atMs: number } | undefined;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
    private readonly clock: Clock,
    private readonly ttlMs = 15 * 60_000,
  ) {}

  async get(): Promise<ApiCredentials> {
    const now = this.clock.nowMs();
    if (this.#cached && now - this.#cached.atMs < this.ttlMs) return this.#cached.value;
    const value = parseSecret(await this.read(), this.secretId);
    this.#cached = { value, atMs: now };
    return value;
  }

  private async read(): Promise<string> {
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
      if (out.SecretString === undefined) throw new Error('the secret has no string value');
      return out.SecretString;
    } catch (e) {
      throw new ConfigError([
        { variable: 'BTCTURK_SECRET_ID', message: `cannot read secret ${this.secretId}: ${(e as Error).name}` },
      ]);
    }
  }
}

/** Parses secret text; issues name the field and what was expected, never the value */
export function parseSecret(text: string, secretId: string): ApiCredentials {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError([{ variable: 'BTCTURK_SECRET_ID', message: `secret ${secretId} is not JSON` }]);
  }
  const parsed = parseApiCredentials(json);
  if (Array.isArray(parsed)) {
    throw new ConfigError(
      parsed.map((p) => ({
        variable: 'BTCTURK_SECRET_ID',
        message: `secret ${secretId} field ${p.field}: ${p.message}`,
      })),
    );
  }
  return parsed;
}
