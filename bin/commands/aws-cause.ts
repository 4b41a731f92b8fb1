// Why an AWS call failed, in operator terms, when the cause is the environment rather than the resource: no
// region, no credentials, an endpoint that cannot be reached, access denied. The SDK's own errors for these
// ("Region is missing", a bare "Error") do not say what to fix.

const codeOf = (e: Error): string | undefined => {
  const own = (e as { code?: unknown }).code;
  const cause = (e.cause as { code?: unknown } | undefined)?.code;
  const code = own ?? cause;
  return typeof code === 'string' ? code : undefined;
};

/** Network failures before any answer: the endpoint (AWS_ENDPOINT_URL, or AWS itself) was not reached */
const UNREACHABLE = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|UND_ERR_)/;

/** @returns one line naming the cause and the fix, or undefined when the error is about the resource itself */
export function awsEnvironmentCause(e: unknown, env: { readonly AWS_ENDPOINT_URL?: string } = {}): string | undefined {
  if (!(e instanceof Error)) return undefined;
  if (e.message === 'Region is missing') return 'AWS region not set (set AWS_REGION)';
  if (e.name === 'CredentialsProviderError')
    return 'AWS credentials not found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)';
  const code = codeOf(e);
  if (code !== undefined && UNREACHABLE.test(code)) {
    const where = env.AWS_ENDPOINT_URL ? `the AWS endpoint ${env.AWS_ENDPOINT_URL}` : 'AWS';
    return `cannot reach ${where}: ${e.message.split('\n')[0]}`;
  }
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/.test(e.name)) return `access denied (${e.name})`;
  return undefined;
}
