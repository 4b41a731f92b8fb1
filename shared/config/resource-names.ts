// The AWS names and addresses a deployed function is given (normally by the CDK stack), checked against
// each service's own rules at load time: a typo fails the cold start with the variable's name instead of
// every call failing later with a service error. Each check returns what was expected, or undefined.
import { isLocalOnlyHost } from './local-hosts';

/** DynamoDB table names: 3-255 characters of A-Z a-z 0-9 _ . - */
export const tableNameProblem = (name: string): string | undefined =>
  /^[A-Za-z0-9_.-]{3,255}$/.test(name)
    ? undefined
    : 'expected a DynamoDB table name: 3-255 characters of A-Z a-z 0-9 _ . -';

const QUEUE_PATH = /^\/\d{12}\/([A-Za-z0-9_-]+(?:\.fifo)?)$/;
const QUEUE_URL =
  'expected an SQS queue URL https://<host>/<12-digit account>/<queue name> (http only on a loopback host)';

/** https://sqs.<region>.amazonaws.com/<account>/<name>; http only on a loopback emulator (moto_server) */
export function queueUrlProblem(url: string): string | undefined {
  if (!/^[\x21-\x7e]+$/.test(url) || !URL.canParse(url)) return QUEUE_URL;
  const u = new URL(url);
  const secure = u.protocol === 'https:' || (u.protocol === 'http:' && isLocalOnlyHost(u.hostname));
  const name = QUEUE_PATH.exec(u.pathname)?.[1];
  if (!secure || name === undefined || name.length > 80 || u.username || u.search || u.hash) return QUEUE_URL;
  return undefined;
}

const PARAMETER_NAME_MAX_CHARS = 1011;
const PARAMETER_MAX_DEPTH = 15;

/**
 * SSM parameter names: A-Z a-z 0-9 _ . - and `/`; a hierarchy starts with `/` and has at most 15 levels;
 * at most 1011 characters; no `aws` or `ssm` prefix (reserved by AWS)
 */
export function parameterNameProblem(name: string): string | undefined {
  const expected =
    "expected an SSM parameter name: A-Z a-z 0-9 _ . - in '/'-separated levels (starting with '/' when there is more than one), at most 1011 characters, not starting with aws or ssm";
  const levels = name.replace(/^\//, '').split('/');
  const ok =
    name.length <= PARAMETER_NAME_MAX_CHARS &&
    levels.length <= PARAMETER_MAX_DEPTH &&
    levels.every((l) => /^[A-Za-z0-9_.-]+$/.test(l)) &&
    (levels.length === 1 || name.startsWith('/')) &&
    !/^\/?(aws|ssm)/i.test(name);
  return ok ? undefined : expected;
}

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;

/** A Secrets Manager secret name (1-512 characters of A-Z a-z 0-9 / _ + = . @ -) or its ARN */
export const secretIdProblem = (id: string): string | undefined =>
  SECRET_NAME.test(id) || SECRET_ARN.test(id)
    ? undefined
    : 'expected a Secrets Manager secret name (1-512 characters of A-Z a-z 0-9 / _ + = . @ -) or a secret ARN';

/** BOT_ENV names the kill-switch parameter (/btcbot/<BOT_ENV>/kill-switch) and the secret (btcbot/<BOT_ENV>/btcturk) */
export const envNameProblem = (name: string): string | undefined =>
  /^[A-Za-z0-9_.-]{1,64}$/.test(name) ? undefined : 'expected 1-64 characters of A-Z a-z 0-9 _ . -';

/** BOT_ACCOUNT is part of every state key (ACCT#<account>, lease and op-state names): no separators or spaces */
export const accountNameProblem = (name: string): string | undefined =>
  /^[A-Za-z0-9_.-]{1,64}$/.test(name) ? undefined : 'expected 1-64 characters of A-Z a-z 0-9 _ . -';
