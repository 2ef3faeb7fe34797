import type { Dependency } from '../types/dependency.js';
import type { Dialect, Flavor } from '../types/template.js';
import { CtmplError } from '../errors.js';
import { SnapshotReader } from './data-reader.js';
import type { FunctionContext } from './functions/context.js';
import type { FuncMap } from './go/values.js';

export interface TemplateSource {
  /** Template name in messages (`template: NAME:LINE:COL`): the source's base name. */
  readonly name: string;
  readonly text: string;
  readonly dialect: Dialect;
  readonly flavor: Flavor;
  readonly leftDelim?: string;
  readonly rightDelim?: string;
  readonly errorOnMissingKey?: boolean;
}

/** What a render may use besides snapshots: the resource's key space and safety options. */
export type RenderOptions = Omit<FunctionContext, 'data' | 'flavor'>;

/**
 * The outcome of one render. `output` is present only when every dependency had data;
 * otherwise `missing` names what to fetch or wait for before rendering again.
 */
export interface RenderResult {
  readonly output?: string;
  readonly used: ReadonlyMap<string, Dependency>;
  readonly missing: ReadonlyMap<string, Dependency>;
}

export interface CompiledTemplate {
  readonly source: TemplateSource;
  /** Pure: the same snapshots and options give the same result. Throws CtmplError('TEMPLATE_EXEC'). */
  render(snapshots: ReadonlyMap<string, unknown>, options: RenderOptions): RenderResult;
}

/**
 * Parses a template once; rejects with CtmplError('TEMPLATE_PARSE') naming NAME:LINE. Each
 * dialect's engine is loaded on first use, so a run pays only for the dialect it renders.
 */
export async function compileTemplate(source: TemplateSource): Promise<CompiledTemplate> {
  const { createFuncMap, functionNames, loadSprigFuncs } = await import('./functions/index.js');
  const sprig = await loadSprigFuncs(source.flavor, source.text);
  const renderWith = (snapshots: ReadonlyMap<string, unknown>, options: RenderOptions, execute: (funcs: FuncMap) => string) =>
    renderWithData(source, snapshots, (data) => execute(createFuncMap({ ...options, flavor: source.flavor, data }, sprig ? { sprig } : {})));
  if (source.dialect === 'handlebars') {
    const { compileHandlebars, renderHandlebars } = await import('./handlebars.js');
    const template = compileHandlebars(source.name, source.text);
    return { source, render: (snapshots, options) => renderWith(snapshots, options, (funcs) => renderHandlebars(template, funcs)) };
  }
  const { executeGoTemplate, parseGoTemplate } = await import('./go/index.js');
  const template = parseGoTemplate(source.name, source.text, {
    funcNames: functionNames(source.flavor),
    ...(source.leftDelim ? { leftDelim: source.leftDelim } : {}),
    ...(source.rightDelim ? { rightDelim: source.rightDelim } : {}),
  });
  // consul-template executes with missingkey=zero: `.Meta.nope` on a map[string]string is "".
  const missingKey = source.errorOnMissingKey ? 'error' : source.flavor === 'consul-template' ? 'zero' : 'default';
  return {
    source,
    render: (snapshots, options) => renderWith(snapshots, options, (funcs) => executeGoTemplate(template, undefined, funcs, { missingKey })),
  };
}

function renderWithData(
  source: TemplateSource,
  snapshots: ReadonlyMap<string, unknown>,
  execute: (data: SnapshotReader) => string,
): RenderResult {
  const reader = new SnapshotReader(snapshots);
  try {
    const output = execute(reader);
    if (reader.missing.size > 0) return { used: reader.used, missing: reader.missing };
    return { output, used: reader.used, missing: reader.missing };
  } catch (error) {
    // Functions return zero values for data not fetched yet; an error that follows from
    // those is not the template's fault, so it only means "fetch and render again".
    if (reader.missing.size > 0 && !isDataIndependent(error)) return { used: reader.used, missing: reader.missing };
    if (error instanceof CtmplError) throw error;
    throw new CtmplError('TEMPLATE_EXEC', `template: ${source.name}: ${String(error)}`, { cause: error });
  }
}

/** Errors no later data can cure (see NilDereferenceError in go/state.ts). */
function isDataIndependent(error: unknown): boolean {
  return (error as { isDataIndependent?: boolean } | null)?.isDataIndependent === true;
}
