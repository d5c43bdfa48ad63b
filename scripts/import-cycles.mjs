// Fails when the TypeScript sources import each other in a cycle, type-only imports included
// (eslint-plugin-import-x's no-cycle skips `import type`, and a cycle of types is still a cycle of
// design). Imports are resolved by the TypeScript compiler with tsconfig.json's options.
// Usage: node scripts/import-cycles.mjs   (part of `npm run lint` and of `npm test`)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const configPath = path.join(root, 'tsconfig.json');
const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
if (!config) {
  console.error('import-cycles: cannot read tsconfig.json');
  process.exit(2);
}
const files = config.fileNames.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
const known = new Set(files.map((f) => path.resolve(f)));

/** file -> the project files it imports (any kind: value, type, re-export, dynamic). */
const edges = new Map();
for (const file of known) {
  const info = ts.preProcessFile(ts.sys.readFile(file) ?? '', true, true);
  const deps = new Set();
  for (const ref of info.importedFiles) {
    const r = ts.resolveModuleName(ref.fileName, file, config.options, ts.sys).resolvedModule;
    const target = r ? path.resolve(r.resolvedFileName) : undefined;
    if (target && known.has(target) && target !== file) deps.add(target);
  }
  edges.set(file, [...deps].sort());
}

// Tarjan's strongly connected components, iterative; every component of two or more files is a cycle.
let counter = 0;
const index = new Map();
const low = new Map();
const onStack = new Set();
const stack = [];
const cycles = [];
for (const start of [...known].sort()) {
  if (index.has(start)) continue;
  const work = [[start, 0]];
  index.set(start, counter);
  low.set(start, counter++);
  stack.push(start);
  onStack.add(start);
  while (work.length > 0) {
    const top = work[work.length - 1];
    const [v, i] = top;
    const deps = edges.get(v);
    if (i < deps.length) {
      top[1]++;
      const w = deps[i];
      if (!index.has(w)) {
        index.set(w, counter);
        low.set(w, counter++);
        stack.push(w);
        onStack.add(w);
        work.push([w, 0]);
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), index.get(w)));
      }
      continue;
    }
    work.pop();
    if (work.length > 0) {
      const parent = work[work.length - 1][0];
      low.set(parent, Math.min(low.get(parent), low.get(v)));
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.map((f) => path.relative(root, f)).sort());
    }
  }
}

if (cycles.length > 0) {
  for (const c of cycles) console.error(`import cycle among: ${c.join(', ')}`);
  console.error(`import-cycles: ${cycles.length} cycle(s) in ${known.size} files`);
  process.exit(1);
}
console.log(`import-cycles: no cycle in ${known.size} files`);
