// `btcbot deploy --target moto --env <name> [--aws-endpoint <url>]`: bootstraps and deploys both stacks to a
// running moto_server with the real CDK CLI (local/aws/moto-deploy.ts, the path tests/infra/deploy-moto.test.ts
// runs), so a newcomer sees the whole deployment without an AWS account. Deploying to AWS stays
// `npx cdk deploy --all`: a wrapper would only hide the CLI's own options.

import { stackNames } from '../../lib/app';
import { deployToMoto, MOTO_REGION, motoEndpointProblem } from '../../local/aws/moto-deploy';
import type { Env } from '../../shared/config/load-config';
import { DeployError } from '../../shared/domain/errors';
import type { CommandIo } from './config-command';
import { errorLine } from './error-line';

export interface DeployCommandOptions {
  readonly target: 'moto';
  /** btcbot:env of the stacks */
  readonly env: string;
  /** http://localhost:<port> of the moto_server; default AWS_ENDPOINT_URL */
  readonly awsEndpoint?: string;
  /** The cloud assembly directory (cdk --output) */
  readonly out: string;
}

/** 0 deployed, 1 a step failed, 2 no usable endpoint */
export async function deployCommand(options: DeployCommandOptions, io: CommandIo, env: Env): Promise<number> {
  const endpoint = options.awsEndpoint ?? env.AWS_ENDPOINT_URL;
  const problem =
    endpoint === undefined ? 'give --aws-endpoint or set AWS_ENDPOINT_URL' : motoEndpointProblem(endpoint);
  if (endpoint === undefined || problem !== undefined) {
    io.err(`deploy --target moto: ${problem}`);
    return 2;
  }
  try {
    await deployToMoto({ endpoint, envName: options.env, outdir: options.out, onLine: io.out });
  } catch (e) {
    if (!(e instanceof DeployError)) throw e;
    io.err(`deploy failed at ${errorLine(e).replace(/^DeployError: /, '')}`);
    return 1;
  }
  const names = stackNames(options.env);
  io.out(`deployed ${names.stateful} and ${names.stateless} to ${endpoint}`);
  io.out(
    `read the kill switch: AWS_ENDPOINT_URL=${endpoint} AWS_REGION=${MOTO_REGION} AWS_ACCESS_KEY_ID=moto AWS_SECRET_ACCESS_KEY=moto npm run btcbot -- kill-switch status --env ${options.env}`,
  );
  return 0;
}
