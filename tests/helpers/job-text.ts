/**
 * A small valid job file (three Dynamo nodes on two controllers, one script client) and a way
 * to change one thing in it, for tests that check what each mistake is reported as.
 */
import { JobFileError, parseJobFile } from '../../src/control/job/job-file.js';

export const BASE_JOB = `[[ops]]
name = "dynamo_node"
lib_name = "dynamo_new"

[[ops]]
name = "dynamo_client"
lib_name = "dynamo_new"

[[nodes]]
name = "node1"
hostname = "0.0.0.0"
port = 3000

[[nodes]]
name = "node2"
hostname = "node2.example"
port = 3001

[placement]
  [[placement.dynamo_node]]
  nodename = "node1"
  actor_name = "nodeA"
  node_id = "nodeA"
  nodes = ["nodeA", "nodeB", "nodeC"]
  N = 3
  W = 2
  R = 2
  T = 10

  [[placement.dynamo_node]]
  nodename = "node1"
  actor_name = "nodeB"
  node_id = "nodeB"
  nodes = ["nodeA", "nodeB", "nodeC"]
  N = 3
  W = 2
  R = 2
  T = 10

  [[placement.dynamo_node]]
  nodename = "node2"
  actor_name = "nodeC"
  node_id = "nodeC"
  nodes = ["nodeA", "nodeB", "nodeC"]
  N = 3
  W = 2
  R = 2
  T = 10

  [[placement.dynamo_client]]
  nodename = "node2"
  actor_name = "client1"
  client_id = "client1"
  nodes = ["nodeA", "nodeB", "nodeC"]
`;

/** `text` with the `occurrence`-th (0-based) `from` replaced by `to`; fails loudly if absent. */
export function edit(text: string, from: string, to: string, occurrence = 0): string {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(from, at + 1);
    if (at < 0) throw new Error(`test bug: ${JSON.stringify(from)} occurs fewer than ${occurrence + 1} times`);
  }
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** The message parseJobFile refuses `text` with (as job.toml); fails if it accepts it. */
export function refusal(text: string): string {
  try {
    parseJobFile(text, 'job.toml');
  } catch (error) {
    if (!(error instanceof JobFileError)) throw error;
    return error.message;
  }
  throw new Error('the job file was accepted');
}
