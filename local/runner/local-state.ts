// Where a local run keeps its state, and how reconcile messages reach the handler: embedded (in-memory
// adapters) or moto (the real AWS adapters on moto_server). The world wires either one the same way.

import type { Config } from '../../shared/config/load-config';
import type { CredentialsProvider } from '../../shared/ports/credentials';
import type { KillSwitch } from '../../shared/ports/kill-switch';
import type { ReconcileQueue } from '../../shared/ports/reconcile-queue';
import type { StateStores } from '../../shared/ports/state-store';
import type { LocalAwsResources } from '../aws/provision';
import type { ReconcileHandler, ReconcileRouter } from './reconcile-router';

export type StateInfo = { readonly mode: 'embedded' } | ({ readonly mode: 'moto' } & LocalAwsResources);

export interface LocalState {
  readonly info: StateInfo;
  /** Configuration the variant needs on top of the local environment */
  readonly env: Readonly<Record<string, string>>;
  readonly stores: StateStores;
  readonly queue: ReconcileQueue;
  readonly killSwitch: KillSwitch;
  readonly credentials: CredentialsProvider;
  router(handler: ReconcileHandler, config: Config): ReconcileRouter;
  close(): Promise<void>;
}
