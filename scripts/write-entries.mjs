// tsc keeps the source tree's shape (dist/src, dist/workers, dist/bench), but the
// package's contract is two files at the top of dist/: the library entry and the bench CLI.
// This writes those two thin entry points after every build.
import { writeFileSync, existsSync } from 'node:fs';

writeFileSync('dist/index.js', "export * from './src/index.js';\n");
writeFileSync('dist/index.d.ts', "export * from './src/index.js';\n");
const benchMain = existsSync('dist/bench/main.js') ? './bench/main.js' : null;
writeFileSync(
  'dist/bench.js',
  benchMain
    ? `#!/usr/bin/env node\nimport '${benchMain}';\n`
    : "#!/usr/bin/env node\nconsole.error('dynamo bench: not built yet (bench/main.ts is missing)');\nprocess.exit(1);\n",
);
