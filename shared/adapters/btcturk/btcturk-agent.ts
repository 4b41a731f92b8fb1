// The production dispatcher: a keep-alive undici Agent with a bounded connection pool and a connect
// timeout. Built by the composition root and handed to the gateway (no module-level client).
import type { Agent } from 'undici';
import AgentClass from 'undici/lib/dispatcher/agent.js';

export interface BtcturkAgentOptions {
  /** Sockets per origin (BTCTURK_HTTP_MAX_CONNECTIONS, default 10) */
  readonly connections: number;
  /** TCP + TLS handshake limit */
  readonly connectTimeoutMs: number;
  /** Idle socket lifetime; keep it below the venue's own idle timeout */
  readonly keepAliveTimeoutMs: number;
}

export const createBtcturkAgent = (options: BtcturkAgentOptions): Agent =>
  new AgentClass({
    connections: options.connections,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    connect: { timeout: options.connectTimeoutMs },
  });
