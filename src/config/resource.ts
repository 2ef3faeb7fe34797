import { extname } from 'node:path';
import type { Dialect, Flavor } from '../types/template.js';
import type { Wait } from './wait.js';

/**
 * One template to keep rendered: from a conf.d TOML file (confd) or a -template spec / [[template]]
 * block (consul-template). Paths are absolute; keys and prefix are already joined.
 */
export interface Resource {
  /** Where it was declared, for messages: "conf.d/nginx.toml" or "-template in.ctmpl:out.conf". */
  readonly origin: string;
  readonly src: string;
  /** An inline template (consul-template's `contents`): used instead of reading `src`. */
  readonly contents?: string;
  /** Where `include` finds templates: conf.d resources' templates folder (else `src`'s folder). */
  readonly templateDir?: string;
  readonly dest: string;
  /** confd `keys`, joined with the prefix; absent: dependencies come from the template itself. */
  readonly keys?: readonly string[];
  readonly prefix: string;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly checkCmd?: string;
  readonly reloadCmd?: string;
  readonly dialect: Dialect;
  readonly flavor: Flavor;
  readonly leftDelim?: string;
  readonly rightDelim?: string;
  readonly wait?: Wait;
  readonly commandTimeoutMs?: number;
  readonly errorOnMissingKey: boolean;
  readonly backup: boolean;
  /** consul-template's per-template function_denylist: added to `-function-denylist` for this template. */
  readonly functionDenylist?: readonly string[];
  /** consul-template's per-template sandbox_path: replaces `-sandbox-path` for this template. */
  readonly sandboxPath?: string;
  /** consul-template's error_fatal = true: a render or write error of this template ends the daemon. */
  readonly errorFatal?: boolean;
  /** consul-template's create_dest_dirs = false: a missing destination folder is an error, not created. */
  readonly createDestDirs?: false;
}

/** Picks the dialect from the source's extension: Handlebars for .hbs/.handlebars, else Go. */
export function dialectOf(src: string): Dialect {
  const ext = extname(src).toLowerCase();
  return ext === '.hbs' || ext === '.handlebars' ? 'handlebars' : 'go';
}

/** Joins key paths the way confd's path.Join("/", a, b) does. */
export function joinKeyPath(...parts: string[]): string {
  const segments = parts.flatMap((part) => part.split('/')).filter((segment) => segment !== '' && segment !== '.');
  return `/${segments.join('/')}`;
}
