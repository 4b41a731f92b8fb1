// Exchange API credentials (a Secrets Manager secret in AWS). Values never reach a log or an error.

export interface ApiCredentials {
  readonly apiKey: string;
  /** Base64, as BTCTurk issues it */
  readonly apiSecret: string;
}

export interface CredentialsProvider {
  /** @throws ConfigError when the secret is missing or malformed (the message never contains its value) */
  get(): Promise<ApiCredentials>;
}
