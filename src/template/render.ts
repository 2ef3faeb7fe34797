import type { Dependency } from '../types/dependency.js';
import type { FileWrite } from '../types/effects.js';
import type { Dialect, Flavor } from '../types/template.js';
import { CtmplError } from '../errors.js';
import { SnapshotReader } from './data-reader.js';
import type { DataReader, FunctionContext } from './functions/context.js';
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

/**
 * What a render may use besides snapshots: the resource's key space and safety options, its
 * destination, and the runner's plugin runner (the one impure call a render can make).
 */
export type RenderOptions = Omit<FunctionContext, 'data' | 'flavor' | 'goEngine' | 'fileWrites'>;

/**
 * The outcome of one render. `output` is present only when every dependency had data;
 * otherwise `missing` names what to fetch or wait for before rendering again.
 */
export interface RenderResult {
  readonly output?: string;
  /** The `writeToFile` calls of a complete render, in order, for the runner to perform. */
  readonly fileWrites: readonly FileWrite[];
  readonly used: ReadonlyMap<string, Dependency>;
  readonly missing: ReadonlyMap<string, Dependency>;
}

export interface CompiledTemplate {
  readonly source: TemplateSource;
  /**
   * Pure but for `plugin` (see RenderOptions): the same snapshots and options give the same
   * result. Throws CtmplError('TEMPLATE_EXEC').
   */
  render(snapshots: ReadonlyMap<string, unknown>, options: RenderOptions): RenderResult;
}

/**
 * Parses a template once; rejects with CtmplError('TEMPLATE_PARSE') naming NAME:LINE. Each
 * dialect's engine is loaded on first use, so a run pays only for the dialect it renders.
 */
export async function compileTemplate(source: TemplateSource): Promise<CompiledTemplate> {
  const { createFuncMap, functionNames, loadSprigFuncs } = await import('./functions/index.js');
  const sprig = await loadSprigFuncs(source.flavor, source.text);
  // One function map per options object (the runner fixes a resource's options once), serving
  // every render: building ~150 closures per render was ~2 % of a daemon's CPU per change. The
  // map's context reads `data` and `fileWrites` from the render in progress (renders are synchronous).
  const slots = new WeakMap<RenderOptions, RenderSlot>();
  const slotFor = (options: RenderOptions, goEngine: FunctionContext['goEngine']): RenderSlot => {
    let slot = slots.get(options);
    if (!slot) {
      const current: RenderSlot = { data: NO_DATA, fileWrites: [], funcs: {} };
      const ctx: FunctionContext = {
        ...options,
        flavor: source.flavor,
        ...(goEngine ? { goEngine } : {}),
        get data() {
          return current.data;
        },
        get fileWrites() {
          return current.fileWrites;
        },
      };
      current.funcs = createFuncMap(ctx, sprig ? { sprig } : {});
      slots.set(options, (slot = current));
    }
    return slot;
  };
  const renderWith = (snapshots: ReadonlyMap<string, unknown>, options: RenderOptions, execute: (funcs: FuncMap) => string, goEngine?: FunctionContext['goEngine']) => {
    const slot = slotFor(options, goEngine);
    return renderWithData(source, snapshots, (data, fileWrites) => {
      slot.data = data;
      slot.fileWrites = fileWrites;
      try {
        return execute(slot.funcs);
      } finally {
        slot.data = NO_DATA;
        slot.fileWrites = [];
      }
    });
  };
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
  const goEngine = { parse: parseGoTemplate, execute: executeGoTemplate };
  // consul-template executes with missingkey=zero: `.Meta.nope` on a map[string]string is "".
  const missingKey = source.errorOnMissingKey ? 'error' : source.flavor === 'consul-template' ? 'zero' : 'default';
  return {
    source,
    render: (snapshots, options) =>
      renderWith(snapshots, options, (funcs) => executeGoTemplate(template, undefined, funcs, { missingKey }), goEngine),
  };
}

/** The function map of one (template, options) pair and the render it currently serves. */
interface RenderSlot {
  data: DataReader;
  fileWrites: FileWrite[];
  funcs: FuncMap;
}

/** What the map reads between renders: nothing (a function kept and called later finds no data). */
const NO_DATA: DataReader = { read: () => undefined, markMissing: () => undefined };

function renderWithData(
  source: TemplateSource,
  snapshots: ReadonlyMap<string, unknown>,
  execute: (data: SnapshotReader, fileWrites: FileWrite[]) => string,
): RenderResult {
  const reader = new SnapshotReader(snapshots);
  const fileWrites: FileWrite[] = [];
  try {
    const output = execute(reader, fileWrites);
    // An incomplete render's writes are dropped: they would be made of zero values.
    if (reader.missing.size > 0) return { used: reader.used, missing: reader.missing, fileWrites: [] };
    return { output, used: reader.used, missing: reader.missing, fileWrites };
  } catch (error) {
    // Functions return zero values for data not fetched yet; an error that follows from
    // those is not the template's fault, so it only means "fetch and render again".
    if (reader.missing.size > 0 && !isDataIndependent(error)) return { used: reader.used, missing: reader.missing, fileWrites: [] };
    if (error instanceof CtmplError) throw error;
    throw new CtmplError('TEMPLATE_EXEC', `template: ${source.name}: ${String(error)}`, { cause: error });
  }
}

/** Errors no later data can cure (see NilDereferenceError in go/state.ts). */
function isDataIndependent(error: unknown): boolean {
  return (error as { isDataIndependent?: boolean } | null)?.isDataIndependent === true;
}
