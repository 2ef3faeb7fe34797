import { resolve } from 'node:path';
import { CtmplError } from '../errors.js';
import type { Flavor } from '../types/template.js';
import { dialectOf, type Resource } from './resource.js';

/**
 * consul-template's spec regexp: a field is an optional Windows drive letter plus a run of
 * non-colons. Empty fields vanish and everything after the second colon is the command.
 */
const specField = /([a-zA-Z]:)?([^:]+)/g;

/** Splits "src:dest[:command]" exactly as consul-template's ParseTemplateConfig does. */
export function splitTemplateSpec(spec: string): { source: string; destination?: string; command?: string } {
  if (spec.trim() === '') throw new CtmplError('USAGE', '-template: empty template spec');
  const parts = spec.match(specField) ?? [];
  const [source, destination, ...rest] = parts;
  if (!source) throw new CtmplError('USAGE', `-template: invalid spec "${spec}"`);
  return {
    source,
    ...(destination !== undefined ? { destination } : {}),
    ...(rest.length > 0 ? { command: rest.join(':') } : {}),
  };
}

/** Builds the Resource of one -template spec; paths are resolved against `cwd`. */
export function templateSpecResource(spec: string, options: { cwd: string; flavor?: Flavor; commandTimeoutMs?: number }): Resource {
  const { source, destination, command } = splitTemplateSpec(spec);
  if (destination === undefined) throw new CtmplError('USAGE', `-template "${spec}": missing destination (want src:dest[:command])`);
  return {
    origin: `-template ${spec}`,
    src: resolve(options.cwd, source),
    dest: resolve(options.cwd, destination),
    prefix: '/',
    ...(command ? { reloadCmd: command } : {}),
    dialect: dialectOf(source),
    flavor: options.flavor ?? 'consul-template',
    errorOnMissingKey: false,
    backup: false,
  };
}
