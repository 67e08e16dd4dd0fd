/**
 * `dynamo_client`: runs a script of gets, puts and deletes one after the other, as the
 * seed's client actor did. Each write carries the context of the last read or write of its
 * key, so `put user:1 Alice_Updated` after `get user:1` supersedes Alice instead of standing
 * beside it as a sibling. An operation that fails is printed and the script goes on; the
 * program then ends as failed.
 */
import { EMPTY_CONTEXT } from '../../core/causal-context.js';
import type { CausalContext } from '../../protocol/data.js';
import type { ProgramRun } from '../../runtime/client-program.js';
import type { ScriptOp } from '../job/job-plan.js';
import { describeContext, describeFailure, describeVersions, elapsedMs } from './describe.js';
import { describeTries, retrying } from './retry.js';

export async function run({ client, args, print }: ProgramRun): Promise<boolean> {
  const script = (args as { script: readonly ScriptOp[] }).script;
  const contexts = new Map<string, CausalContext>();
  let ok = true;
  for (const op of script) {
    const startedAt = performance.now();
    const context = contexts.get(op.key) ?? EMPTY_CONTEXT;
    if (op.op === 'get') {
      const { outcome, tries } = await retrying(() => client.get(op.key));
      if (!outcome.ok) {
        ok = false;
        print(`GET ${op.key} ${describeFailure(outcome)}`);
        continue;
      }
      contexts.set(op.key, outcome.context);
      print(`GET ${op.key} -> ${describeVersions(outcome.versions)} context=${describeContext(outcome.context)} (${elapsedMs(startedAt)})${describeTries(tries)}`);
    } else {
      const { outcome, tries } = await retrying(() => (op.op === 'put' ? client.put(op.key, op.value, context) : client.delete(op.key, context)));
      const what = op.op === 'put' ? `PUT ${op.key} = ${JSON.stringify(op.value)}` : `DELETE ${op.key}`;
      if (!outcome.ok) {
        ok = false;
        print(`${what} ${describeFailure(outcome)}`);
        continue;
      }
      contexts.set(op.key, outcome.context);
      print(`${what} -> ok, acked by ${outcome.ackedBy.join(', ')} context=${describeContext(outcome.context)} (${elapsedMs(startedAt)})${describeTries(tries)}`);
    }
  }
  return ok;
}
