import { goFunc, type FuncMap } from '../../go/values.js';
import { certFuncs } from './certs.js';
import { cryptoFuncs } from './crypto.js';
import { dateFuncs } from './dates.js';
import { defaultFuncs } from './defaults.js';
import { dictFuncs } from './dicts.js';
import { encodingFuncs } from './encoding.js';
import { listFuncs } from './lists.js';
import { mathFuncs } from './math.js';
import { pathFuncs } from './paths.js';
import { reflectionFuncs } from './reflection.js';
import { regexFuncs } from './regex.js';
import { semverFuncs } from './semver.js';
import { spewFuncs } from './spew.js';
import { stringFuncs } from './strings.js';
import { urlFuncs } from './url.js';

let funcs: FuncMap | undefined;

/**
 * consul-template's sprig_* functions (sprig's hermetic set, each name prefixed) and its
 * spew_* ones; built once. `fail` is sprig's own: it stops the render with its message.
 */
export function sprigFuncs(): FuncMap {
  if (funcs) return funcs;
  const sprig: FuncMap = {
    ...stringFuncs(),
    ...mathFuncs(),
    ...listFuncs(),
    ...dictFuncs(),
    ...defaultFuncs(),
    ...reflectionFuncs(),
    ...regexFuncs(),
    ...encodingFuncs(),
    ...pathFuncs(),
    ...urlFuncs(),
    ...dateFuncs(),
    ...semverFuncs(),
    ...cryptoFuncs(),
    ...certFuncs(),
    fail: goFunc(['string'], (message: string) => {
      throw new Error(message);
    }),
  };
  funcs = { ...Object.fromEntries(Object.entries(sprig).map(([name, fn]) => [`sprig_${name}`, fn])), ...spewFuncs() };
  return funcs;
}
