// The one shape of BTCTurk API credentials, checked on every path that builds them: the Secrets Manager
// JSON, the BTCTURK_API_KEY / BTCTURK_API_SECRET knobs and StaticCredentials. The key is sent as the X-PCK
// header: a character outside printable ASCII makes undici refuse the request after the order was
// journaled, so it is refused here, before anything is sent. The secret is the HMAC key, base64 as
// BTCTurk issues it. Every message names what was expected, never the value.
import * as z from 'zod';
import type { ApiCredentials } from '../ports/credentials';

/** Far above any key BTCTurk issues; a longer value is a paste error, not a key */
export const API_KEY_MAX_CHARS = 256;
/** Far above a base64 HMAC key (44 characters for 32 bytes) */
export const API_SECRET_MAX_CHARS = 1024;

/** 0x21-0x7E: no space, no control character, nothing outside ASCII (RFC 9110 field value, minus spaces) */
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
/** Standard alphabet, whole 4-character groups, `=` padding only at the end; non-empty text decodes to >= 1 byte */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function apiKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'expected a non-empty API key';
  if (key.length > API_KEY_MAX_CHARS) return `expected an API key of at most ${API_KEY_MAX_CHARS} characters`;
  if (!PRINTABLE_ASCII.test(key)) {
    return 'expected an API key of printable ASCII characters (0x21-0x7E), without spaces or control characters';
  }
  return undefined;
}

export function apiSecretProblem(secret: string): string | undefined {
  if (secret.length === 0) return 'expected a non-empty API secret';
  if (secret.length > API_SECRET_MAX_CHARS)
    return `expected an API secret of at most ${API_SECRET_MAX_CHARS} characters`;
  if (!BASE64.test(secret)) {
    return "expected base64 text: A-Z a-z 0-9 + /, a length that is a multiple of 4, '=' padding only at the end";
  }
  return undefined;
}

const checked = (problem: (s: string) => string | undefined) =>
  z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      const message = problem(value);
      if (message !== undefined) ctx.addIssue({ code: 'custom', message, input: '' });
    });

export const ApiCredentialsSchema = z.object({ apiKey: checked(apiKeyProblem), apiSecret: checked(apiSecretProblem) });

export interface CredentialsProblem {
  readonly field: 'apiKey' | 'apiSecret' | '(root)';
  readonly message: string;
}

/** Credentials from anything (surrounding whitespace trimmed), or what is wrong with each field */
export function parseApiCredentials(input: unknown): ApiCredentials | CredentialsProblem[] {
  const parsed = ApiCredentialsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  return parsed.error.issues.map((i): CredentialsProblem => {
    const field = i.path[0];
    if (field !== 'apiKey' && field !== 'apiSecret') {
      return { field: '(root)', message: 'expected an object with apiKey and apiSecret' };
    }
    // zod's own type messages may describe the input; ours never do
    return { field, message: i.code === 'custom' ? i.message : 'missing or not a string' };
  });
}
