// The dashboard's static files (index.html, style.css) go beside its compiled modules in
// dist/dashboard/, which the node controller serves: index.html at /, the rest at /dashboard/.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';

mkdirSync('dist/dashboard', { recursive: true });
for (const name of readdirSync('dashboard/static')) copyFileSync(`dashboard/static/${name}`, `dist/dashboard/${name}`);
