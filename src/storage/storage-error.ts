/**
 * How durable storage fails: an Error named StorageError (the name survives the trip from a
 * worker to the main thread, which makes it a STORAGE DynamoError), whose message names the
 * path and what to do about it.
 */
export class StorageError extends Error {
  override readonly name = 'StorageError';
}

/** lmdb-js reports the system's errors by number. */
const ERRNO_NAMES: Readonly<Record<number, string>> = { 5: 'EIO', 13: 'EACCES', 28: 'ENOSPC', 30: 'EROFS', 122: 'EDQUOT' };

/** What to do, by what the system or LMDB said went wrong. */
function advice(error: unknown): string {
  const given = (error as { code?: unknown } | null)?.code;
  const code = typeof given === 'number' ? ERRNO_NAMES[given] : given;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || /permission denied|read-only/i.test(message)) {
    return 'give this process permission to write there, or use another directory';
  }
  if (code === 'ENOSPC' || code === 'EDQUOT' || /no space|MDB_MAP_FULL|quota/i.test(message)) {
    return 'free space on that disk (nothing after this write was acknowledged), then start the node again';
  }
  // A full tmpfs answers some writes with EIO; a failing disk does too.
  if (code === 'EIO' || /input\/output error/i.test(message)) return 'the disk failed a write (is it full, or failing?): fix it, then start the node again';
  if (code === 'ERR_MODULE_NOT_FOUND') return 'durable storage needs the lmdb package, an optional dependency of this engine: npm install lmdb';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a file stands where the directory should be: move it, or use another directory';
  return 'if the environment is corrupt or not one this engine wrote, move it aside or delete it, and the node starts empty (anti-entropy brings its keys back from the other replicas)';
}

/** A StorageError for `path`: what failed, the cause's own words, and what to do. */
export function storageError(path: string, what: string, cause: unknown): StorageError {
  const said = cause instanceof Error ? cause.message : String(cause);
  return new StorageError(`${path}: ${what} (${said}): ${advice(cause)}`, { cause });
}
