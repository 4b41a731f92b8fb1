// Deploys both stacks to a moto_server with the real aws-cdk CLI from node_modules, as `cdk deploy` would to
// AWS, with the three adjustments moto needs:
// - the endpoint's host is `localhost`: CloudFormation reads the template from S3 by the bucket's host name
//   (`<bucket>.localhost`), and with 127.0.0.1 moto answers NoSuchBucket;
// - `--method=direct`: moto's change sets drop the stack outputs the stateless stack imports;
// - moto's CloudFormation does not create the Secrets Manager secret, so it is created here first (with a
//   placeholder: nothing runs the functions on moto) and the stacks reference it (btcbot:secretExists).
// The CLI gets dummy credentials and none of the caller's AWS settings, so it can never reach a real account.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CreateSecretCommand, ResourceExistsException } from '@aws-sdk/client-secrets-manager';
import { credentialsSecretName } from '../../lib/stateful-stack';
import { envNameProblem } from '../../shared/config/resource-names';
import { DeployError } from '../../shared/domain/errors';
import { localAwsClients } from './provision';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CDK = `${PROJECT_ROOT}node_modules/.bin/cdk`;

/** The account and region moto_server answers for, whatever the credentials */
export const MOTO_ACCOUNT = '123456789012';
export const MOTO_REGION = 'us-east-1';

/** A placeholder in BTCTurk's credential shape: the deployed functions never run on moto */
const PLACEHOLDER_CREDENTIALS = JSON.stringify({ apiKey: 'moto-placeholder', apiSecret: 'bW90by1wbGFjZWhvbGRlcg==' });

export interface MotoDeployOptions {
  /** http://localhost:<port> of a running moto_server */
  readonly endpoint: string;
  /** btcbot:env: the stacks are Btcbot-<env>-Stateful and Btcbot-<env>-Stateless */
  readonly envName: string;
  /** Where the CLI writes the cloud assembly (its --output) */
  readonly outdir: string;
  /** Receives every line the CDK CLI prints */
  readonly onLine: (line: string) => void;
}

/** Why an endpoint cannot take a deployment, or undefined */
export function motoEndpointProblem(endpoint: string): string | undefined {
  const url = URL.canParse(endpoint) ? new URL(endpoint) : undefined;
  if (url?.protocol !== 'http:' || url.pathname !== '/' || url.search)
    return `expected http://localhost:<port> of a moto_server, was ${JSON.stringify(endpoint)}`;
  if (url.hostname !== 'localhost')
    return `the host must be localhost, was ${url.hostname}: CloudFormation on moto finds the template bucket by the host name <bucket>.localhost`;
  return undefined;
}

/** The CLI's environment: the caller's without any AWS_* or CDK_* setting, plus moto's endpoint and dummy credentials */
export function cdkEnvironment(endpoint: string): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !/^(AWS|CDK)_/.test(name));
  return {
    ...Object.fromEntries(inherited),
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: MOTO_REGION,
    AWS_DEFAULT_REGION: MOTO_REGION,
    AWS_ACCESS_KEY_ID: 'moto',
    AWS_SECRET_ACCESS_KEY: 'moto',
    // the CLI would otherwise try to send usage telemetry to AWS
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

/** The two CLI invocations, as the README shows them */
export const cdkCommands = (envName: string, outdir: string) => ({
  bootstrap: ['bootstrap', `aws://${MOTO_ACCOUNT}/${MOTO_REGION}`, '--no-notices'],
  deploy: [
    'deploy',
    '--all',
    '--method=direct',
    '--require-approval',
    'never',
    '--no-notices',
    '-c',
    `btcbot:env=${envName}`,
    '-c',
    'btcbot:secretExists=true',
    '--output',
    outdir,
  ],
});

function runCdk(
  step: string,
  args: readonly string[],
  cwd: string,
  endpoint: string,
  onLine: (line: string) => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(CDK, args, {
      cwd,
      env: cdkEnvironment(endpoint),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const take = (chunk: Buffer) => {
      for (const line of chunk
        .toString()
        .split('\n')
        .filter((l) => l.trim() !== '')) {
        onLine(line);
        tail.push(line);
        if (tail.length > 15) tail.shift();
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => reject(new DeployError(step, `cannot run ${CDK}: ${e.message} (run npm ci)`)));
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new DeployError(step, `cdk exited with ${code}:\n${tail.join('\n')}`)),
    );
  });
}

/** Creates the credentials secret the stacks reference, unless an earlier deployment did */
async function createSecret(endpoint: string, envName: string): Promise<void> {
  const { secrets } = localAwsClients(endpoint);
  try {
    await secrets.send(
      new CreateSecretCommand({ Name: credentialsSecretName(envName), SecretString: PLACEHOLDER_CREDENTIALS }),
    );
  } catch (e) {
    if (!(e instanceof ResourceExistsException))
      throw new DeployError('create the credentials secret', `${(e as Error).name}: ${(e as Error).message}`);
  } finally {
    secrets.destroy();
  }
}

/** @throws DeployError naming the step that failed */
export async function deployToMoto({ endpoint, envName, outdir, onLine }: MotoDeployOptions): Promise<void> {
  const problem = motoEndpointProblem(endpoint) ?? envNameProblem(envName);
  if (problem) throw new DeployError('check the options', problem);
  const commands = cdkCommands(envName, outdir);
  await createSecret(endpoint, envName);
  // run where no cdk.json is: given an app, the CLI synthesizes it (bundling every function) before it
  // bootstraps, which the named account and region make unnecessary (14 s of 29 on a 2-core machine)
  mkdirSync(outdir, { recursive: true });
  await runCdk('cdk bootstrap', commands.bootstrap, outdir, endpoint, onLine);
  await runCdk('cdk deploy', commands.deploy, PROJECT_ROOT, endpoint, onLine);
}
