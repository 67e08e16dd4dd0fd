// Two builds' cores against each other in one thread: the before/after figure of a change to
// the core, steadier than two runs of scripts/core-cost.mjs, which this machine's noise moves
// by a fifth between runs. Both builds run the same workload (scripts/core-harness.mjs) in
// alternating rounds, the order swapped every round, so that noise and the collector fall on
// both alike.
//
//   node scripts/core-ab.mjs <before-dir> <after-dir> [node|client] [rounds] [requests-per-round]
//
// Each directory is a built checkout (e.g. `git worktree add ../before <commit>`, then
// `npm run build` there). Prints, per build, the least, the lower quartile and the median of
// its rounds' CPU time per request (us), and the median of the after/before ratios of the
// rounds run back to back.
import { checkMode, checkWholeNumbers } from './steady-workload.mjs';
import { coreHarness, cpuPerRequest } from './core-harness.mjs';

const [before, after, mode = 'node', roundsArg = '30', perRoundArg = '4000'] = process.argv.slice(2);
if (before === undefined || after === undefined) {
  console.error('usage: node scripts/core-ab.mjs <before-dir> <after-dir> [node|client] [rounds] [requests-per-round]');
  process.exit(2);
}
checkMode(mode);
const rounds = Number(roundsArg);
const perRound = Number(perRoundArg);
checkWholeNumbers([['rounds', rounds], ['requests-per-round', perRound]], 1);

const builds = [
  ['before', await coreHarness(before, mode)],
  ['after', await coreHarness(after, mode)],
];
// Warm-up: until both builds' hot code is optimized.
for (let i = 0; i < 2; i++) for (const [, run] of builds) run(20_000);
const cpu = { before: [], after: [] };
for (let round = 0; round < rounds; round++) {
  for (const [name, run] of round % 2 === 0 ? builds : [...builds].reverse()) cpu[name].push(cpuPerRequest(() => run(perRound), perRound));
}
const sorted = (values) => [...values].sort((a, b) => a - b);
for (const name of ['before', 'after']) {
  const s = sorted(cpu[name]);
  console.log(`${name}: least ${s[0].toFixed(1)}, lower quartile ${s[Math.floor(s.length / 4)].toFixed(1)}, median ${s[Math.floor(s.length / 2)].toFixed(1)} us of CPU per request (${rounds} rounds of ${perRound})`);
}
const ratios = sorted(cpu.after.map((value, i) => value / cpu.before[i]));
console.log(`after / before, round by round: median ${ratios[Math.floor(ratios.length / 2)].toFixed(2)} (${ratios[0].toFixed(2)}-${ratios[ratios.length - 1].toFixed(2)})`);
