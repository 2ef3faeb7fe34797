import { CtmplError } from '../errors.js';

/** One command-line flag: its value type, its help line, and whether it may be repeated. */
interface FlagOption {
  readonly type: 'string' | 'boolean' | 'number';
  readonly describe: string;
  /** Repeatable: every occurrence is kept, in order. */
  readonly array?: true;
  readonly default?: string | boolean | number;
}

/**
 * Every command-line flag. Go-style single-dash long flags (`-onetime`, `-confdir x`,
 * `-onetime=true`) and double-dash alike; `-confdir` is one long option, never a group of
 * short ones.
 */
const flagDefinitions = {
  backend: { type: 'string', describe: 'backend: file, env, etcd (etcdv3), redis, zookeeper, consul, vault' },
  confdir: { type: 'string', describe: 'directory holding conf.d/ and templates/ (default /etc/confd)' },
  'config-file': { type: 'string', describe: 'config file (default <confdir>/ctmpl.toml, else <confdir>/confd.toml)' },
  onetime: { type: 'boolean', describe: 'render once, run commands, exit' },
  once: { type: 'boolean', describe: 'same as -onetime (consul-template)' },
  noop: { type: 'boolean', describe: 'dry run: print a diff per file, write nothing, run nothing' },
  dry: { type: 'boolean', describe: 'same as -noop (consul-template)' },
  watch: { type: 'boolean', describe: 'follow the backend change feed (default for -template runs)' },
  interval: { type: 'number', describe: 'poll every N seconds (confd interval mode, default 600)' },
  prefix: { type: 'string', describe: 'key prefix applied to every resource' },
  file: { type: 'string', array: true, describe: 'file backend: YAML/JSON file or directory (repeatable)' },
  node: { type: 'string', array: true, describe: 'backend address (repeatable)' },
  'consul-addr': { type: 'string', describe: 'Consul address (consul-template); implies -backend consul' },
  template: { type: 'string', array: true, describe: 'consul-template spec "src:dest[:command]" (repeatable)' },
  flavor: { type: 'string', describe: 'function flavor: confd or consul-template' },
  'log-level': { type: 'string', describe: 'debug, info, warn, error' },
  'log-format': { type: 'string', describe: 'text or json' },
  'command-timeout': { type: 'string', describe: 'timeout of check and reload commands (default 60s)' },
  'lookup-timeout': { type: 'string', describe: 'once mode: give up waiting for missing data after this (default 10s)' },
  wait: { type: 'string', describe: 'quiescence MIN[:MAX], e.g. 2s:10s' },
  'initial-wait': { type: 'boolean', describe: 'apply -wait to the first render too (default true)' },
  'reload-error-fatal': { type: 'boolean', describe: 'exit when a reload command fails (default: log and go on)' },
  'services-prefix': { type: 'string', describe: 'registrator key layout root for `service` on etcd/redis/file (default /services)' },
  'function-denylist': { type: 'string', array: true, describe: 'glob of template functions to refuse (repeatable)' },
  'sandbox-path': { type: 'string', describe: 'the `file` function may only read below this path' },
  separator: { type: 'string', describe: 'redis key separator (default /)' },
  scheme: { type: 'string', describe: 'scheme for -node addresses without one: http or https (confd)' },
  username: { type: 'string', describe: 'backend user name' },
  password: { type: 'string', describe: 'backend password' },
  'auth-token': { type: 'string', describe: 'backend token (Consul ACL token)' },
  'consul-token': { type: 'string', describe: 'Consul ACL token (also CONSUL_HTTP_TOKEN)' },
  'token-file': { type: 'string', describe: 'file holding the backend token' },
  'client-cert': { type: 'string', describe: 'TLS client certificate' },
  'client-key': { type: 'string', describe: 'TLS client key' },
  'client-ca-keys': { type: 'string', describe: 'TLS CA certificate' },
  'tls-server-name': { type: 'string', describe: 'TLS server name' },
  'tls-skip-verify': { type: 'boolean', describe: 'do not verify the server certificate' },
  'max-stale': { type: 'string', describe: 'Consul: allow stale reads up to this age' },
  'retry-max': { type: 'number', describe: 'give up after N failed backend attempts (default: never)' },
  'status-addr': { type: 'string', describe: 'serve the status page, /status, /health and /metrics on host:port' },
  'blocked-warning': { type: 'string', describe: 'warn when a template has waited this long for data, again at growing intervals (default 10s)' },
  dedup: { type: 'boolean', describe: 'fleet mode: one instance per template watches and publishes its data in Consul or etcd, the others follow it' },
  // operations: dry-run gate, lint, consul-template config files, exec mode, packaging
  'exit-code': { type: 'boolean', describe: 'with -noop: exit 2 when a file would change, 0 when none would, 1 on errors (implies -onetime)' },
  'parse-only': { type: 'boolean', describe: 'parse every resource and template, report every error, touch nothing (= `ctmpl check`)' },
  config: { type: 'string', array: true, describe: 'consul-template config file or directory, HCL or JSON (repeatable; later over earlier)' },
  exec: { type: 'string', describe: 'run this command as a child after the first render; exit with its status' },
  'exec-reload-signal': { type: 'string', describe: 'signal sent to the -exec child on a change (default: restart it)' },
  'exec-kill-signal': { type: 'string', describe: 'signal that stops the -exec child (default SIGTERM)' },
  'exec-kill-timeout': { type: 'string', describe: 'wait this long after the kill signal before SIGKILL (default 30s)' },
  'exec-splay': { type: 'string', describe: 'wait a random time up to this before signalling or restarting the child' },
  'pid-file': { type: 'string', describe: 'write the process id to this file' },
  // vault: consul-template's -vault-* flags (also VAULT_ADDR, VAULT_TOKEN, ~/.vault-token, VAULT_CACERT,
  // VAULT_CLIENT_CERT, VAULT_CLIENT_KEY, VAULT_SKIP_VERIFY, VAULT_TLS_SERVER_NAME) and confd's vault auth
  'vault-addr': { type: 'string', describe: 'Vault address for `secret`/`secrets` (also VAULT_ADDR)' },
  'vault-token': { type: 'string', describe: 'Vault token (also VAULT_TOKEN, ~/.vault-token)' },
  'vault-renew-token': { type: 'boolean', describe: 'renew the Vault token while running (default true)' },
  'vault-unwrap-token': { type: 'boolean', describe: 'the Vault token is a wrapping token: unwrap it first' },
  'vault-retry': { type: 'boolean', describe: 'retry failed Vault re-reads (default true)' },
  'vault-retry-attempts': { type: 'number', describe: 'Vault re-read attempts before the runner takes over (default 12)' },
  'vault-retry-backoff': { type: 'string', describe: 'first Vault retry delay (default 250ms)' },
  'vault-retry-max-backoff': { type: 'string', describe: 'longest Vault retry delay (default 1m)' },
  'vault-default-lease-duration': { type: 'string', describe: 'lease assumed for secrets without one, e.g. KV v2 (default 5m)' },
  'vault-ssl': { type: 'boolean', describe: 'use TLS to reach Vault' },
  'vault-ssl-verify': { type: 'boolean', describe: 'verify the Vault certificate (default true; VAULT_SKIP_VERIFY)' },
  'vault-ssl-cert': { type: 'string', describe: 'client certificate for Vault (VAULT_CLIENT_CERT)' },
  'vault-ssl-key': { type: 'string', describe: 'client key for Vault (VAULT_CLIENT_KEY)' },
  'vault-ssl-ca-cert': { type: 'string', describe: 'CA certificate for Vault (VAULT_CACERT)' },
  'vault-ssl-ca-path': { type: 'string', describe: 'directory of CA certificates for Vault (VAULT_CAPATH)' },
  'vault-ssl-server-name': { type: 'string', describe: 'TLS server name for Vault (VAULT_TLS_SERVER_NAME)' },
  'show-secrets': { type: 'boolean', describe: '-noop diffs show lines carrying Vault values (masked by default)' },
  'auth-type': { type: 'string', describe: 'confd vault backend: token, app-role, app-id, userpass, cert, kubernetes' },
  'role-id': { type: 'string', describe: 'vault app-role role id (kubernetes: the role)' },
  'secret-id': { type: 'string', describe: 'vault app-role secret id' },
  path: { type: 'string', describe: 'vault auth mount path (default: the auth type)' },
  'app-id': { type: 'string', describe: 'vault app-id' },
  'user-id': { type: 'string', describe: 'vault app-id user id' },
  version: { type: 'boolean', describe: 'print the version and exit' },
  help: { type: 'boolean', describe: 'show this help' },
} as const satisfies Record<string, FlagOption>;

export type FlagName = keyof typeof flagDefinitions;
export type ParsedFlags = { [K in FlagName]?: (typeof flagDefinitions)[K] extends { array: true } ? string[] : (typeof flagDefinitions)[K]['type'] extends 'boolean' ? boolean : (typeof flagDefinitions)[K]['type'] extends 'number' ? number : string };

const examples: [string, string][] = [
  ['ctmpl -onetime -confdir . -backend file -file examples/data.yaml', 'render the conf.d resources once from a YAML file'],
  ['ctmpl -backend etcd -node http://127.0.0.1:2379 -interval 10', 'confd style: conf.d/*.toml resources, poll etcd every 10 s'],
  ['ctmpl -template "in.ctmpl:out.conf:nginx -s reload"', 'consul-template style, watching Consul'],
  ['ctmpl -onetime -noop -backend file -file data.yaml', 'dry run: print a diff per file, write nothing'],
];

const definitions: Readonly<Record<string, FlagOption>> = flagDefinitions;

/** Returns the usage text with every flag and the examples. */
export function usageText(): Promise<string> {
  const names = Object.keys(definitions).map((name) => `-${name}`);
  const width = Math.max(...names.map((name) => name.length)) + 2;
  const lines = Object.entries(definitions).map(([name, flag]) => {
    const kind = flag.array ? `${flag.type}, repeatable` : flag.type;
    return `  ${`-${name}`.padEnd(width)}${flag.describe} [${kind}]`;
  });
  const exampleLines = examples.flatMap(([command, what]) => [`  ${command}`, `      ${what}`]);
  return Promise.resolve([
    'Usage: ctmpl [flags]',
    '',
    'Renders config files from templates and data in Consul, etcd, Redis, ZooKeeper, Vault, files or the environment.',
    '',
    'Options (one or two dashes; -flag value or -flag=value):',
    ...lines,
    '',
    'Examples:',
    ...exampleLines,
  ].join('\n'));
}

/**
 * Parses argv into flags. Throws CtmplError('USAGE') for an unknown flag, a missing value or
 * a stray argument.
 */
export function parseFlags(argv: readonly string[]): ParsedFlags {
  const { values, unknown } = scanArguments(argv);
  if (unknown.length > 0) throw new CtmplError('USAGE', `Unknown argument${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  for (const [name, definition] of Object.entries(definitions)) {
    const given = values.get(name);
    if (given === undefined) continue;
    if (!definition.array && given.length > 1) throw new CtmplError('USAGE', `flag -${name} given more than once`);
    if (definition.type === 'number' && given.some((value) => Number.isNaN(value))) {
      throw new CtmplError('USAGE', `flag -${name}: not a number`);
    }
    const isEmptyList = definition.array && given.includes('');
    if (isEmptyList || (given[0] === '' && ['backend', 'confdir', 'config-file'].includes(name))) {
      throw new CtmplError('USAGE', `flag -${name} needs a value`);
    }
  }
  const flags: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(definitions)) {
    const given = values.get(name);
    if (given !== undefined) flags[name] = definition.array ? given : given[0];
    else if (definition.default !== undefined) flags[name] = definition.default;
  }
  return flags as ParsedFlags;
}

type FlagValue = string | boolean | number;

/**
 * One pass over argv, Go flag style: `-name`, `--name`, `-name=value`, `-name value`; a boolean
 * also takes a following `true`/`false`; a repeatable flag also takes the plain words after it.
 * A value never starts with `-` unless it is a negative number or given with `=`.
 * Everything after `--`, and every word no flag takes, is reported as unknown.
 */
function scanArguments(argv: readonly string[]): { values: Map<string, FlagValue[]>; unknown: string[] } {
  const values = new Map<string, FlagValue[]>();
  const unknown: string[] = [];
  const add = (name: string, value: FlagValue) => (values.get(name) ?? values.set(name, []).get(name)!).push(value);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      unknown.push(...argv.slice(i + 1));
      break;
    }
    const match = /^--?([^=]+)(?:=([\s\S]*))?$/.exec(arg);
    const definition = match && Object.hasOwn(definitions, match[1]!) ? definitions[match[1]!]! : undefined;
    if (!match || !definition) {
      unknown.push(match ? match[1]! : arg);
      continue;
    }
    const name = match[1]!;
    const next = argv[i + 1];
    const takesNext = next !== undefined && (!next.startsWith('-') || /^-[\d.]/.test(next));
    if (definition.type === 'boolean') {
      const text = match[2] ?? (next === 'true' || next === 'false' ? argv[++i] : 'true');
      add(name, text !== 'false');
    } else if (match[2] !== undefined) {
      add(name, convert(definition, match[2]));
    } else if (!takesNext) {
      add(name, definition.type === 'number' ? Number.NaN : '');
    } else {
      add(name, convert(definition, argv[++i]!));
      while (definition.array && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-')) add(name, argv[++i]!);
    }
  }
  return { values, unknown };
}

function convert(definition: FlagOption, text: string): FlagValue {
  return definition.type === 'number' ? (text.trim() === '' ? Number.NaN : Number(text)) : text;
}

/** Each flag's value kind, for settings read from elsewhere (CONFD_* variables). */
export function flagKinds(): Record<string, 'string' | 'boolean' | 'number' | 'list'> {
  return Object.fromEntries(Object.entries(definitions).map(([name, definition]) => [name, definition.array ? 'list' : definition.type]));
}
