import { typeString } from '../../go/print.js';
import { goFunc, type FuncMap, type GoValue } from '../../go/values.js';
import { deepEqual, kindOf } from './cast.js';

/** sprig's reflect.go: type and kind names of values, and reflect.DeepEqual. */
export function reflectionFuncs(): FuncMap {
  return {
    typeOf: goFunc(['any'], typeString),
    typeIs: goFunc(['string', 'any'], (target: string, v: GoValue) => target === typeString(v)),
    typeIsLike: goFunc(['string', 'any'], (target: string, v: GoValue) => target === typeString(v) || `*${target}` === typeString(v)),
    kindOf: goFunc(['any'], kindOf),
    kindIs: goFunc(['string', 'any'], (target: string, v: GoValue) => target === kindOf(v)),
    deepEqual: goFunc(['any', 'any'], deepEqual),
  };
}
