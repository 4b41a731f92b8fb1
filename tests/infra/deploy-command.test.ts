// `btcbot deploy --target moto` refuses, before any work, an endpoint a deployment to moto cannot use (the
// deployment itself is tests/infra/deploy-moto.test.ts's, through the same local/aws/moto-deploy.ts)
import { describe, expect, it } from 'vitest';
import { deployCommand } from '../../bin/commands/deploy-command';

const run = async (awsEndpoint: string | undefined, env: Record<string, string> = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await deployCommand(
    { target: 'moto', env: 'dev', awsEndpoint, out: 'unused' },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    env,
  );
  return { code, out, err };
};

describe('btcbot deploy --target moto', () => {
  it('exits 2 naming localhost when the endpoint is 127.0.0.1, on which moto cannot find the template bucket', async () => {
    const { code, out, err } = await run('http://127.0.0.1:5000');
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([
      'deploy --target moto: the host must be localhost, was 127.0.0.1: CloudFormation on moto finds the template bucket by the host name <bucket>.localhost',
    ]);
  });

  it('exits 2 without an endpoint, and takes AWS_ENDPOINT_URL as one', async () => {
    expect((await run(undefined)).err).toEqual(['deploy --target moto: give --aws-endpoint or set AWS_ENDPOINT_URL']);
    const fromEnv = await run(undefined, { AWS_ENDPOINT_URL: 'https://localhost:5000/x' });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.err[0]).toMatch(
      /expected http:\/\/localhost:<port> of a moto_server, was "https:\/\/localhost:5000\/x"/,
    );
  });
});
