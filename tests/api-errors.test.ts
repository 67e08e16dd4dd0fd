/**
 * The one place failures become DynamoErrors: the engine's coded errors keep their code, and
 * anything else (a worker that could not start, a bug) is INTERNAL, never a bare Error.
 */
import { describe, expect, it } from 'vitest';
import { DynamoError, fromFailure, guarded, readInput, toDynamoError } from '../src/api/errors.js';
import { ErrorCode } from '../src/protocol/outcomes.js';
import { EngineError } from '../src/runtime/engine-error.js';

describe('api errors', () => {
  it('an EngineError keeps its code and message, with the original as cause', () => {
    const cause = new EngineError('TIMEOUT', 'control call node-2 stats did not answer within 10000 ms');
    const error = toDynamoError(cause);
    expect(error).toBeInstanceOf(DynamoError);
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toBe(cause.message);
    expect(error.cause).toBe(cause);
  });

  it('a worker that could not start, or any other error, is INTERNAL', () => {
    const workerError = Object.assign(new Error('Initiated Worker with invalid execArgv flags: --bad'), { code: 'ERR_WORKER_INVALID_EXEC_ARGV' });
    expect(toDynamoError(workerError)).toMatchObject({ name: 'DynamoError', code: 'INTERNAL' });
    expect(toDynamoError('a string').code).toBe('INTERNAL');
    const own = new DynamoError('STOPPED', 'stopped');
    expect(toDynamoError(own)).toBe(own);
  });

  it('guarded calls reject only with DynamoErrors; a failed outcome becomes one with its code', async () => {
    await expect(guarded(() => Promise.reject(new Error('boom')))).rejects.toMatchObject({ name: 'DynamoError', code: 'INTERNAL' });
    await expect(guarded(() => Promise.reject(new EngineError('INVALID_ARGUMENT', 'no such node')))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(fromFailure({ ok: false, code: 'QUORUM_FAILED', message: 'put reached 1 of W=2' })).toMatchObject({ code: 'QUORUM_FAILED', message: 'put reached 1 of W=2' });
    expect(() => readInput(() => { throw new TypeError('getter'); })).toThrow(DynamoError);
  });

  it('every code of the vocabulary is a DynamoError code', () => {
    for (const code of Object.values(ErrorCode)) expect(new DynamoError(code, 'x').code).toBe(code);
  });
});
