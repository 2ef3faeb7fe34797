/**
 * What a template asks the runner to do besides writing its destination. Rendering stays pure:
 * functions with side effects record them here and the runner carries them out
 * (src/runner/file-writes.ts), once per complete render, before the destination is written.
 */

/** consul-template's `writeToFile PATH OWNER GROUP PERMS [FLAGS] CONTENT`. */
export interface FileWrite {
  readonly path: string;
  /** User name or uid; "" keeps the current user. */
  readonly owner: string;
  /** Group name or gid; "" keeps the current group. */
  readonly group: string;
  readonly mode: number;
  readonly append: boolean;
  /** The bytes to write (with the trailing newline when the `newline` flag was given). */
  readonly content: string;
}

/**
 * Runs `plugin NAME ARGS…` and returns its trimmed stdout, or throws with consul-template's
 * words. Synchronous, because the template's text depends on the answer (src/runner/plugin.ts).
 */
export type PluginRunner = (name: string, args: readonly string[]) => string;
