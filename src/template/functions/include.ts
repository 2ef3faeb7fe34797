import { basename, isAbsolute, join, relative, sep } from 'node:path';
import { messageOf } from '../../errors.js';
import type { Dependency } from '../../types/dependency.js';
import type { GoTemplate } from '../go/index.js';
import { goFunc, type FuncMap, type GoValue } from '../go/values.js';
import type { FunctionContext } from './context.js';

/**
 * The confd fork's `include NAME [DOT]`: renders another Go template, NAME relative to the
 * templates folder (never outside it), with the same functions, at most 10 deep, a file already
 * being included refused as a cycle. The file is read through a `file` dependency, so it is
 * watched like the template's data and an edit re-renders.
 */

const MAX_DEPTH = 10;

type Engine = NonNullable<FunctionContext['goEngine']>;

/** Parsed included templates by flavor, path and text: a template re-renders on every change. */
const parsed = new Map<string, GoTemplate>();
const parsedLimit = 64;

/** The fork's isPathWithin: inside `dir`, and not `dir` itself. */
function isWithin(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`);
}

function parseCached(engine: Engine, ctx: FunctionContext, path: string, text: string, funcNames: () => ReadonlySet<string>): GoTemplate {
  const key = `${ctx.flavor}\0${path}\0${text}`;
  let template = parsed.get(key);
  if (!template) {
    template = engine.parse(basename(path), text, { funcNames: funcNames() });
    if (parsed.size >= parsedLimit) parsed.delete(parsed.keys().next().value!);
    parsed.set(key, template);
  }
  return template;
}

/**
 * `include` over `ctx`; `funcs` gives the render's whole function map (denylist applied), which
 * included templates parse and run with. One include stack per render.
 */
export function includeFuncs(ctx: FunctionContext, funcs: () => FuncMap): FuncMap {
  const stack: string[] = [];
  let names: ReadonlySet<string> | undefined;
  const funcNames = () => (names ??= new Set(Object.keys(funcs())));

  function include(name: string, ...data: GoValue[]): string {
    const engine = ctx.goEngine;
    if (engine === undefined) throw new Error(`include ${name}: only Go templates can include`);
    if (ctx.templateDir === undefined) throw new Error(`include ${name}: no templates folder`);
    const path = join(ctx.templateDir, name);
    if (!isWithin(path, ctx.templateDir)) throw new Error(`include path "${name}" is outside template directory`);
    if (stack.includes(path)) throw new Error(`include cycle detected: ${path} is already being processed`);
    if (stack.length >= MAX_DEPTH) throw new Error(`maximum include depth (${MAX_DEPTH}) exceeded`);
    const dep: Dependency = { type: 'file', path };
    const text = ctx.data.read(dep);
    // No snapshot yet: the render reports the file missing and runs again once it is read.
    if (text === undefined) return '';
    if (typeof text !== 'string') throw new Error(`include ${name}: open ${path}: no such file or directory`);
    stack.push(path);
    try {
      let template: GoTemplate;
      try {
        template = parseCached(engine, ctx, path, text, funcNames);
      } catch (error) {
        throw new Error(`parse include ${name}: ${messageOf(error)}`);
      }
      const missingKey = ctx.flavor === 'consul-template' ? 'zero' : 'default';
      try {
        return engine.execute(template, data[0] ?? null, funcs(), { missingKey });
      } catch (error) {
        throw new Error(`execute include ${name}: ${messageOf(error)}`);
      }
    } finally {
      stack.pop();
    }
  }

  return { include: goFunc(['string'], include, 'any') };
}
