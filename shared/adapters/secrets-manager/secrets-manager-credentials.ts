// API credentials from a Secrets Manager secret `{"apiKey": ..., "apiSecret": ...}`, read once per
// container and kept for `ttlMs`. A missing or malformed secret is a ConfigError naming the fields that
// are wrong, never their values.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { ConfigError } from '../../domain/errors';
import type { Clock } from '../../ports/clock';
import type { ApiCredentials, CredentialsProvider } from '../../ports/credentials';

const SecretSchema = z.object({
  apiKey: z.string().trim().min(1, 'expected a non-empty API key'),
  apiSecret: z
    .string()
    .trim()
    .min(1, 'expected a non-empty API secret')
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'expected base64 text'),
});

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
  const parsed = SecretSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({
        variable: 'BTCTURK_SECRET_ID',
        message: `secret ${secretId} field ${i.path.join('.') || '(root)'}: ${i.code === 'invalid_type' ? 'missing or not a string' : i.message}`,
      })),
    );
  }
  return parsed.data;
}
