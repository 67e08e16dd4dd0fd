/**
 * Reads a node's LMDB environment through, in a process of its own, before the node opens it.
 * LMDB trusts its file: a corrupt one can crash the process that reads it (lmdb-js ends in a
 * segmentation fault on a file of garbage), and a node is a thread of the embedding program.
 * So the node's thread opens its environment only after this process has read every record
 * of it and exited cleanly (src/runtime/lmdb-probe.ts runs it).
 *
 *   node dist/workers/lmdb-probe.js <path of data.mdb>
 */
import { open } from 'lmdb';

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: lmdb-probe <path of data.mdb>');
  process.exit(2);
}
const env = open({ path: file, readOnly: true });
for (const name of ['meta', 'data', 'hints']) {
  // Read-only, a database never written is not there: nothing to read.
  const db = env.openDB({ name, encoding: 'binary', keyEncoding: 'binary' }) as ReturnType<typeof env.openDB> | undefined;
  if (db === undefined) continue;
  let records = 0;
  for (const entry of db.getRange()) if (entry.value !== undefined) records++;
  void records;
}
await env.close();
