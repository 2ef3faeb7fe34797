import { goFunc, type FuncMap } from '../../go/values.js';
import { basePath, cleanPath, dirPath } from '../go-path.js';

/** Go's path.Ext: the suffix from the last dot of the last element. */
function ext(path: string): string {
  for (let i = path.length - 1; i >= 0 && path[i] !== '/'; i--) {
    if (path[i] === '.') return path.slice(i);
  }
  return '';
}

/** sprig's path functions (Go's path) and their os* twins (path/filepath, the same on Linux). */
export function pathFuncs(): FuncMap {
  const funcs: FuncMap = {
    base: goFunc(['string'], basePath),
    dir: goFunc(['string'], dirPath),
    clean: goFunc(['string'], cleanPath),
    ext: goFunc(['string'], ext),
    isAbs: goFunc(['string'], (path: string) => path.startsWith('/')),
  };
  return {
    ...funcs,
    osBase: funcs.base!,
    osDir: funcs.dir!,
    osClean: funcs.clean!,
    osExt: funcs.ext!,
    osIsAbs: funcs.isAbs!,
  };
}
