import type { Dependency } from '../../types/dependency.js';
import type { FileWrite, PluginRunner } from '../../types/effects.js';
import type { Flavor } from '../../types/template.js';
import type { executeGoTemplate, parseGoTemplate } from '../go/index.js';

/**
 * What data functions read through. The renderer implements it over the snapshots it was given:
 * `read` records `dep` as used and returns its data, or records it as missing and returns
 * `undefined` when there is no snapshot yet (consul-template's n-pass model). Functions then
 * return their zero value and the render result reports the missing dependencies.
 */
export interface DataReader {
  read(dep: Dependency): unknown;
  /**
   * Marks a dependency whose data exists but cannot be used yet (consul-template's `key` on a
   * key that does not exist, `safeLs` on an empty prefix): the render reports it missing and
   * the runner waits for a change instead of writing.
   */
  markMissing(dep: Dependency): void;
}

/** Everything a function set needs to know about the render it runs in. */
export interface FunctionContext {
  readonly flavor: Flavor;
  readonly data: DataReader;
  /** Environment for env/getenv/mustEnv. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** confd resource prefix ("/" when none); confd-flavor keys are relative to it. */
  readonly prefix: string;
  /**
   * confd resource `keys` (already joined with the prefix). When present, confd data functions
   * read from `kv.list` of each of these, as confd does; when absent, each function call records
   * its own dependency.
   */
  readonly keys?: readonly string[];
  /** The folder `include` resolves names in: a conf.d resource's templates folder. */
  readonly templateDir?: string;
  /**
   * The Go engine a Go-dialect render runs on, which `include` parses and runs its files with;
   * passed in rather than imported, so a Handlebars run never loads it.
   */
  readonly goEngine?: { readonly parse: typeof parseGoTemplate; readonly execute: typeof executeGoTemplate };
  /** `-sandbox-path`: `file` may only read below it. */
  readonly sandboxPath?: string;
  /** `-function-denylist` globs (`*` only): matching functions fail when called. */
  readonly denylist: readonly string[];
  /** The template's destination (`pkiCert` caches its certificate there). */
  readonly destination?: string;
  /** Where `writeToFile` records its writes; the runner performs them after a complete render. */
  readonly fileWrites?: FileWrite[];
  /**
   * Runs `plugin` executables. The one impure collaborator a render may call, injected by the
   * runner: the plugin's stdout becomes template text, so it cannot wait until after the render.
   */
  readonly runPlugin?: PluginRunner;
}
