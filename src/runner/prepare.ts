import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Config } from '../config/config.js';
import type { Resource } from '../config/resource.js';
import { CtmplError, messageOf } from '../errors.js';
import { compileTemplate, type CompiledTemplate, type RenderOptions } from '../template/render.js';
import type { PluginRunner } from '../types/effects.js';
import { createPluginRunner } from './plugin.js';
import { removeStaleStaged } from './writer.js';

/** A resource with its template parsed and its render options fixed. */
export interface PreparedResource {
  readonly resource: Resource;
  readonly template: CompiledTemplate;
  readonly renderOptions: RenderOptions;
}

/**
 * Reads and parses every resource's template. Any failure rejects the whole set, so a run
 * with one broken template writes nothing. Also removes the staged files a killed ctmpl left
 * beside the destinations (a dry run leaves them: it touches nothing). `plugin` runs its
 * programs in `cwd` with `env`, the run's own.
 */
export async function prepareResources(
  resources: readonly Resource[],
  config: Config,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<PreparedResource[]> {
  const runPlugin = createPluginRunner({ cwd, env });
  const prepared = await Promise.all(resources.map((resource) => prepareResource(resource, config, env, runPlugin)));
  if (!config.noop) await removeStaleStaged(resources.map((resource) => resource.dest));
  return prepared;
}

async function prepareResource(
  resource: Resource,
  config: Config,
  env: Readonly<Record<string, string | undefined>>,
  runPlugin: PluginRunner,
): Promise<PreparedResource> {
  let text: string;
  try {
    text = resource.contents ?? (await readFile(resource.src, 'utf8'));
  } catch (error) {
    throw new CtmplError('CONFIG', `${resource.origin}: template ${resource.src}: ${messageOf(error)}`, { cause: error });
  }
  const template = await compileTemplate({
    name: basename(resource.src),
    text,
    dialect: resource.dialect,
    flavor: resource.flavor,
    ...(resource.leftDelim ? { leftDelim: resource.leftDelim } : {}),
    ...(resource.rightDelim ? { rightDelim: resource.rightDelim } : {}),
    errorOnMissingKey: resource.errorOnMissingKey,
  });
  // A template's own sandbox_path replaces -sandbox-path; its function_denylist adds to -function-denylist.
  const sandboxPath = resource.sandboxPath ?? config.sandboxPath;
  const renderOptions: RenderOptions = {
    env,
    prefix: resource.prefix,
    templateDir: resource.templateDir ?? dirname(resource.src),
    ...(resource.keys ? { keys: resource.keys } : {}),
    ...(sandboxPath ? { sandboxPath } : {}),
    denylist: resource.functionDenylist ? [...config.functionDenylist, ...resource.functionDenylist] : config.functionDenylist,
    destination: resource.dest,
    runPlugin,
  };
  return { resource, template, renderOptions };
}
