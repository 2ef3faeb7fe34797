import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface ConfdirSpec {
  /** conf.d/<name> → TOML text. */
  readonly resources?: Record<string, string>;
  /** templates/<name> → template text. */
  readonly templates?: Record<string, string>;
  /** Any other file under the confdir (data files, ctmpl.toml). */
  readonly files?: Record<string, string>;
}

/** Writes a confdir (conf.d/, templates/, extra files) under `root`. */
export async function writeConfdir(root: string, spec: ConfdirSpec): Promise<void> {
  const entries = [
    ...Object.entries(spec.resources ?? {}).map(([name, text]) => [join(root, 'conf.d', name), text] as const),
    ...Object.entries(spec.templates ?? {}).map(([name, text]) => [join(root, 'templates', name), text] as const),
    ...Object.entries(spec.files ?? {}).map(([name, text]) => [join(root, name), text] as const),
  ];
  await mkdir(join(root, 'conf.d'), { recursive: true });
  await mkdir(join(root, 'templates'), { recursive: true });
  for (const [path, text] of entries) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  }
}
