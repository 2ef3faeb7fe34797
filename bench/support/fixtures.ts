import type { EtcdServer } from '../../test/support/etcd-server.js';

/** The seed flow's haproxy template: one `server` line per key under /app/servers. */
export const haproxyTemplate = `backend app
    balance roundrobin
{{- range gets "/app/servers/*"}}
    server {{base .Key}} {{.Value}} check
{{- end}}
`;

/** A conf.d resource rendering `haproxyTemplate` to `dest`. */
export const haproxyResource = (dest: string) =>
  `[template]\nsrc = "haproxy.tmpl"\ndest = "${dest}"\nkeys = ["/app/servers"]\n`;

/** `count` haproxy servers as [key, "ip:port"], keys sorted the way the backend lists them. */
export function serverEntries(count: number, prefix = '/app/servers'): [string, string][] {
  const width = String(count).length;
  return Array.from({ length: count }, (_, i) => [
    `${prefix}/s${String(i).padStart(width, '0')}`,
    `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:8080`,
  ]);
}

/** etcd's default --max-txn-ops. */
const txnOps = 128;
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Writes every entry into etcd, 128 puts per transaction. */
export async function putMany(etcd: EtcdServer, entries: readonly (readonly [string, string])[]): Promise<void> {
  for (let start = 0; start < entries.length; start += txnOps) {
    const success = entries.slice(start, start + txnOps).map(([key, value]) => ({ request_put: { key: b64(key), value: b64(value) } }));
    await etcd.call('/v3/kv/txn', { success });
  }
}

/** Number of lines of `text` that start with `prefix` after indentation. */
export function countLines(text: string | undefined, prefix: string): number {
  if (text === undefined) return 0;
  let count = 0;
  for (const line of text.split('\n')) if (line.trimStart().startsWith(prefix)) count++;
  return count;
}

/** Throws unless a render produced `want` server lines. */
export function expectLines(got: number, want: number): void {
  if (got !== want) throw new Error(`expected ${want} server lines, got ${got}`);
}
