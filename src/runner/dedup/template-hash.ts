import { createHash } from 'node:crypto';

/** What makes the data of a template what it is: its text and how it is read. */
export interface TemplateIdentity {
  readonly text: string;
  readonly dialect: string;
  readonly flavor: string;
  readonly leftDelim?: string | undefined;
  readonly rightDelim?: string | undefined;
  /** confd's prefix and keys: which keys the template's functions read. */
  readonly prefix: string;
  readonly keys?: readonly string[] | undefined;
}

/**
 * The name of a template in the fleet's KV space: a SHA-256 of its text (consul-template hashes
 * its contents too) and of the settings that change which data it reads. The source path and the
 * destination do not count: hosts writing the same template to different places share one leader.
 * A template that differs (text, flavor, keys) gets its own hash and its own leader.
 */
export function templateHash(identity: TemplateIdentity): string {
  const { text, dialect, flavor, leftDelim, rightDelim, prefix, keys } = identity;
  const settings = JSON.stringify([dialect, flavor, leftDelim ?? null, rightDelim ?? null, prefix, keys ?? null]);
  return createHash('sha256').update(text).update('\0').update(settings).digest('hex');
}
