// Starts moto_server (the AWS emulator speaking the real wire protocol) on a free 127.0.0.1 port: used by
// the test global setup, the bench and `btcbot local --aws moto`.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface RunningMoto {
  readonly endpoint: string;
  stop(): Promise<void>;
  /** Sends SIGTERM without waiting (for a process 'exit' hook, where nothing async runs) */
  kill(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      await res.body?.cancel();
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

export interface MotoStartOptions {
  /** Own process group, so a Ctrl-C in the terminal reaches only the parent, which stops the server itself */
  readonly detached?: boolean;
  readonly attempts?: number;
}

export async function startMoto(
  command: string,
  { detached = false, attempts = 3 }: MotoStartOptions = {},
): Promise<RunningMoto> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const child = spawn(command, ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached,
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    try {
      await waitUntilUp(endpoint, child, 30_000);
      return {
        endpoint,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
        kill: () => {
          if (child.exitCode === null) child.kill('SIGTERM');
        },
      };
    } catch (e) {
      child.kill('SIGKILL');
      lastError = new Error(`${(e as Error).message}\n${stderr}`);
    }
  }
  throw lastError;
}
