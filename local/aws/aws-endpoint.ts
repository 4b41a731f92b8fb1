// Where `btcbot local --aws moto` finds its AWS: the endpoint it was given (--aws-endpoint or
// AWS_ENDPOINT_URL), or a moto_server started for the run on a free 127.0.0.1 port and stopped with it.
import { findTool } from './find-tool';
import { startMoto } from './moto-server';

export class MotoNotFoundError extends Error {
  constructor() {
    super("moto_server not found; install with pip install 'moto[server]' or use --aws embedded");
    this.name = 'MotoNotFoundError';
  }
}

export interface AwsEndpoint {
  readonly endpoint: string;
  /** True when the endpoint is a moto_server this run started */
  readonly started: boolean;
  stop(): Promise<void>;
}

/** @throws MotoNotFoundError when no endpoint is given and moto_server is not on PATH */
export async function openAwsEndpoint(given: string | null): Promise<AwsEndpoint> {
  if (given !== null) return { endpoint: given, started: false, stop: async () => {} };
  const command = findTool('moto_server');
  if (command === null) throw new MotoNotFoundError();
  const moto = await startMoto(command, { detached: true });
  const killOnExit = () => moto.kill();
  process.once('exit', killOnExit);
  return {
    endpoint: moto.endpoint,
    started: true,
    async stop() {
      process.off('exit', killOnExit);
      await moto.stop();
    },
  };
}
