// React ships as CommonJS only, which the test runner's dev server cannot serve to a browser. This
// plugin bundles react and react-dom/client once (with Vite) into one ES module, so both share one
// React, and answers `react` and `react-dom/client` imports with small modules re-exporting from it.
import {execFileSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {build} from 'vite';

const bundlePath = '/__react/bundle.js';
const shims = {
  react: {path: '/__react/react.js', name: 'React'},
  'react-dom/client': {path: '/__react/react-dom-client.js', name: 'ReactDOMClient'},
};

let bundle;
function buildBundle() {
  bundle ??= build({
    configFile: false,
    logLevel: 'warn',
    define: {'process.env.NODE_ENV': '"development"'},
    build: {
      write: false,
      minify: false,
      lib: {entry: fileURLToPath(new URL('./react-entry.js', import.meta.url)), formats: ['es'], fileName: 'bundle'},
    },
  }).then((result) => (Array.isArray(result) ? result : [result]).flatMap((r) => r.output).find((o) => o.type === 'chunk').code);
  return bundle;
}

let exportNames;
/** The packages' export names, read in a separate Node (loading React here would trip the runner's console patch). */
function namesOf(specifier) {
  exportNames ??= JSON.parse(
    execFileSync(process.execPath, ['-e', `console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(Object.keys(shims))}.map((s) => [s, Object.keys(require(s))]))))`], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      encoding: 'utf8',
    }),
  );
  return exportNames[specifier].filter((key) => /^[A-Za-z_$][\w$]*$/.test(key) && key !== 'default');
}

/** A module re-exporting, by name, what the CommonJS package exports. */
function shimFor(specifier, {name}) {
  return `import {${name}} from '${bundlePath}';\nexport default ${name};\nexport const {${namesOf(specifier).join(', ')}} = ${name};\n`;
}

export const reactEsm = {
  name: 'react-esm',
  resolveImport({source}) {
    return shims[source]?.path;
  },
  async serve(context) {
    if (context.path === bundlePath) return {body: await buildBundle(), type: 'js'};
    for (const [specifier, shim] of Object.entries(shims)) {
      if (context.path === shim.path) return {body: shimFor(specifier, shim), type: 'js'};
    }
    return undefined;
  },
};
