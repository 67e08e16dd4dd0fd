// tsc keeps the source tree's shape (dist/src, dist/workers, dist/bench, dist/sim), but the
// package's contract is three files at the top of dist/: the library entry, the bench CLI and
// the simulator CLI. This writes those thin entry points after every build.
import { writeFileSync, existsSync } from 'node:fs';

writeFileSync('dist/index.js', "export * from './src/index.js';\n");
writeFileSync('dist/index.d.ts', "export * from './src/index.js';\n");

/** `dist/<name>.js`, an executable entry that imports `dist/<name>/main.js`. */
function writeCli(name, what) {
  const main = existsSync(`dist/${name}/main.js`) ? `./${name}/main.js` : null;
  writeFileSync(
    `dist/${name}.js`,
    main
      ? `#!/usr/bin/env node\nimport '${main}';\n`
      : `#!/usr/bin/env node\nconsole.error('dynamo ${what}: not built yet (${name}/main.ts is missing)');\nprocess.exit(1);\n`,
  );
}
writeCli('bench', 'bench');
writeCli('sim', 'simulator');
writeCli('cli', 'command line');
