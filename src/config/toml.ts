import { readFile } from 'node:fs/promises';
import { CtmplError, messageOf } from '../errors.js';

/**
 * Reads and parses a TOML file. A syntax error becomes one line naming the file, line and
 * column: `conf.d/app.toml:3:1: invalid TOML: invalid value`.
 */
export async function readTomlFile(path: string): Promise<{ data: Record<string, unknown>; text: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CtmplError('CONFIG', `${path}: cannot read: ${messageOf(error)}`, { cause: error });
  }
  // Loaded here: a run with -template and no config file reads no TOML.
  const { parse, TomlError } = await import('smol-toml');
  try {
    return { data: parse(text) as Record<string, unknown>, text };
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
      throw new CtmplError('CONFIG', `${path}:${error.line}:${error.column}: invalid TOML: ${reason}`, { cause: error });
    }
    throw error;
  }
}

/** Returns the 1-based line where `key = ` is first assigned in TOML text, for messages. */
export function lineOfKey(text: string, key: string): number | undefined {
  const pattern = new RegExp(`^\\s*"?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?\\s*=`);
  const index = text.split('\n').findIndex((line) => pattern.test(line));
  return index === -1 ? undefined : index + 1;
}
