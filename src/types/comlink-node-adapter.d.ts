// comlink ships its Node adapter as a .mjs with a .d.ts beside it, which NodeNext resolution
// does not pair up; this declares the one function the project uses.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  import type { MessagePort, Worker } from 'node:worker_threads';
  export default function nodeEndpoint(endpoint: MessagePort | Worker): Endpoint;
}
