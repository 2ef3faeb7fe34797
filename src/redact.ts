/**
 * Credentials written into node addresses (`redis://:pw@host:6379`, `http://user:pw@host:2379`):
 * taken out of the address to be used as credentials, and masked wherever text that may hold
 * one is shown (log lines, error lines, /metrics, -noop output). The one place that knows the form.
 */

/** An address with its user information taken out. */
export interface NodeAddress {
  /** The address without `user:password@`, safe to show. */
  readonly address: string;
  readonly username?: string;
  readonly password?: string;
}

// scheme://user:password@rest or user:password@host (no scheme); user and password may be empty.
const userInfo = /^(?<scheme>[A-Za-z][A-Za-z0-9+.-]*:\/\/)?(?<user>[^\s/@:]*)(?::(?<password>[^\s/@]*))?@(?<rest>[^\s@]*)$/;

/** Splits `user:password@` off an address; percent-escapes in them are decoded. */
export function splitCredentials(node: string): NodeAddress {
  const match = userInfo.exec(node.trim());
  if (!match?.groups) return { address: node };
  const { scheme = '', user = '', password, rest = '' } = match.groups;
  return {
    address: `${scheme}${rest}`,
    ...(user ? { username: decode(user) } : {}),
    ...(password !== undefined ? { password: decode(password) } : {}),
  };
}

const embedded = /(?<prefix>(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/)?[^\s/@:'"`]*):[^\s/@'"`]*@/g;

/** Masks the password of every `user:password@host` in `text`, as Go's url.Redacted does (`user:xxxxx@`). */
export function redactCredentials(text: string): string {
  if (!text.includes('@')) return text;
  return text.replace(embedded, (_whole, prefix: string) => `${prefix}:xxxxx@`);
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
