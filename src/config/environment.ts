import { CtmplError } from '../errors.js';
import { flagKinds } from './flags.js';

/** Flags that make no sense from the environment. */
const notFromEnvironment = new Set(['help', 'version']);

/**
 * Settings from the environment, under the flag they set: confd's `CONFD_<FLAG>` for every flag
 * (CONFD_BACKEND, CONFD_NODE, CONFD_LOG_LEVEL; lists are comma-separated), and consul-template's
 * CONSUL_HTTP_TOKEN. CONSUL_HTTP_ADDR is not here: it must not switch the backend to Consul
 * (see `consulAddressFromEnvironment`). Throws CtmplError('USAGE') naming the variable.
 */
export function settingsFromEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(flagKinds())) {
    if (notFromEnvironment.has(name)) continue;
    const variable = `CONFD_${name.toUpperCase().replaceAll('-', '_')}`;
    const text = env[variable];
    if (text === undefined || text === '') continue;
    values[name] = valueOf(text, kind, variable);
  }
  if (env.CONSUL_HTTP_TOKEN && values['consul-token'] === undefined) values['consul-token'] = env.CONSUL_HTTP_TOKEN;
  return values;
}

function valueOf(text: string, kind: 'string' | 'boolean' | 'number' | 'list', variable: string): unknown {
  switch (kind) {
    case 'list':
      return text.split(',').map((item) => item.trim()).filter((item) => item !== '');
    case 'number': {
      const number = Number(text);
      if (Number.isNaN(number)) throw new CtmplError('USAGE', `${variable}: not a number: "${text}"`);
      return number;
    }
    case 'boolean':
      if (/^(1|true|yes|on)$/i.test(text)) return true;
      if (/^(0|false|no|off)$/i.test(text)) return false;
      throw new CtmplError('USAGE', `${variable}: want true or false, not "${text}"`);
    default:
      return text;
  }
}

