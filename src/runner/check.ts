import { readFile } from 'node:fs/promises';
import { basename, relative } from 'node:path';
import type { Resource } from '../config/resource.js';
import { CtmplError, PositionedError, messageOf, positionOf } from '../errors.js';

/** One problem `check` found, already worded `file:line:col: message` where the position is known. */
export interface CheckProblem {
  readonly code: CtmplError['code'];
  readonly text: string;
}

/**
 * Lints every resource's template without rendering or writing anything: the parse (unknown
 * functions included, as the Go parser refuses them) and the argument count of every call.
 * Returns every problem of every template, in resource order; never throws for bad input.
 */
export async function checkResources(resources: readonly Resource[], cwd: string): Promise<CheckProblem[]> {
  const problems: CheckProblem[] = [];
  for (const resource of resources) problems.push(...(await checkResource(resource, cwd)));
  return problems;
}

async function checkResource(resource: Resource, cwd: string): Promise<CheckProblem[]> {
  const shown = relative(cwd, resource.src) || resource.src;
  let text: string;
  try {
    text = resource.contents ?? (await readFile(resource.src, 'utf8'));
  } catch (error) {
    return [{ code: 'CONFIG', text: `${resource.origin}: template ${shown}: ${messageOf(error)}` }];
  }
  try {
    if (resource.dialect === 'handlebars') {
      const { compileHandlebars } = await import('../template/handlebars.js');
      compileHandlebars(basename(resource.src), text);
      return [];
    }
    return await checkGoTemplate(resource, text, shown);
  } catch (error) {
    return [describeProblem(error, shown)];
  }
}

async function checkGoTemplate(resource: Resource, text: string, shown: string): Promise<CheckProblem[]> {
  const [{ parseGoTemplate }, { checkArity }, { BUILTINS }, functions] = await Promise.all([
    import('../template/go/index.js'),
    import('../template/go/arity.js'),
    import('../template/go/builtins.js'),
    import('../template/functions/index.js'),
  ]);
  const template = parseGoTemplate(basename(resource.src), text, {
    funcNames: functions.functionNames(resource.flavor),
    ...(resource.leftDelim ? { leftDelim: resource.leftDelim } : {}),
    ...(resource.rightDelim ? { rightDelim: resource.rightDelim } : {}),
  });
  const sprig = await functions.loadSprigFuncs(resource.flavor, text);
  const context = { flavor: resource.flavor, data: { read: () => undefined, markMissing: () => undefined }, env: {}, prefix: '/', denylist: [] };
  const funcs = functions.createFuncMap(context, sprig ? { sprig } : {});
  // A FuncMap entry hides the builtin of the same name, as in Go's findFunction.
  const shapeOf = (name: string) => (Object.hasOwn(funcs, name) ? funcs[name] : Object.hasOwn(BUILTINS, name) ? BUILTINS[name] : undefined);
  return checkArity(template.trees, shapeOf).map(({ pos, message }) => {
    const { line, col } = positionOf(text, pos);
    return { code: 'TEMPLATE_PARSE', text: `${shown}:${line}:${col}: ${message}` };
  });
}

/** `file:line:col: message` for a positioned parse error; the error's own words otherwise. */
function describeProblem(error: unknown, shown: string): CheckProblem {
  if (error instanceof PositionedError) {
    const reason = error.message.replace(/^template: [^:]*:\d+(:\d+)?: /, '');
    return { code: error.code, text: `${shown}:${error.line}:${error.col}: ${reason}` };
  }
  if (error instanceof CtmplError) {
    const line = /^template: [^:]*:(\d+): (.*)$/s.exec(error.message);
    return { code: error.code, text: line ? `${shown}:${line[1]}:1: ${line[2]}` : `${shown}: ${error.message}` };
  }
  return { code: 'TEMPLATE_PARSE', text: `${shown}: ${messageOf(error)}` };
}
