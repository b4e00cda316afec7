// `node --import ./test/support/fake-electron-loader.mjs out/main/index.js`: resolves `electron`
// to fake-electron.mjs (see there).
import { register } from 'node:module';

const fake = new URL('./fake-electron.mjs', import.meta.url).href;
register(
  `data:text/javascript,${encodeURIComponent(`
    export async function resolve(specifier, context, next) {
      if (specifier === 'electron') return { url: ${JSON.stringify(fake)}, shortCircuit: true };
      return next(specifier, context);
    }`)}`,
);
