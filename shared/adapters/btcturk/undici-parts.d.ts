// Types of the two undici modules the gateway imports by path. Importing 'undici' itself bundles all of it
// (fetch, WebSocket, caches, mocks: undici is CommonJS, so esbuild cannot drop what its index requires);
// these two are all the production code uses, and they are the same classes the index exports.
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici';

  const AgentClass: typeof Agent;
  export default AgentClass;
}

declare module 'undici/lib/api/api-request.js' {
  import type { Dispatcher } from 'undici';
  export default function request(
    this: Dispatcher,
    options: Dispatcher.RequestOptions,
  ): Promise<Dispatcher.ResponseData>;
}
