// startSimulator: builds the venue from the options and serves it on 127.0.0.1 (port 0 = OS-chosen).
// close() ends held and keep-alive connections too, so tests never wait on a hanging socket.
import type { AddressInfo } from 'node:net';
import { createControl, type SimulatorControl } from './control';
import type { SimulatorOptions } from './options';
import { createSimulatorServer } from './server';
import { Venue } from './venue';

export interface RunningSimulator {
  readonly baseUrl: string;
  readonly port: number;
  readonly control: SimulatorControl;
  /** The venue itself: what a safety check judges against (its own books), never only what the gateway reports */
  readonly venue: Venue;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const venue = new Venue(options);
  const control = createControl(venue);
  const server = createSimulatorServer(venue, control);
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    control,
    venue,
    close: () =>
      new Promise<void>((done, fail) => {
        server.close((e) => (e ? fail(e) : done()));
        server.closeAllConnections();
      }),
  };
}
