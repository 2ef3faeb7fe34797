import Handlebars from 'handlebars';
import { CtmplError, messageOf } from '../errors.js';
import { isStruct } from './go/reflect.js';
import { GoChannel, GoFloat, GoNil, JsonNumber, type FuncMap, type GoValue } from './go/values.js';

/**
 * The Handlebars dialect (.hbs, .handlebars): compiled once with noEscape, rendered with the
 * same function library as the Go dialect, registered per render as helpers.
 */
export interface HandlebarsTemplate {
  readonly name: string;
  readonly run: HandlebarsTemplateDelegate;
}

/** Compiles a Handlebars template; a syntax error becomes `template: NAME:LINE: message`. */
export function compileHandlebars(name: string, text: string): HandlebarsTemplate {
  try {
    Handlebars.parse(text);
  } catch (error) {
    const message = messageOf(error);
    const line = /on line (\d+)/.exec(message)?.[1] ?? '1';
    const reason = message.split('\n').at(-1) ?? message;
    throw new CtmplError('TEMPLATE_PARSE', `template: ${name}:${line}: ${reason}`, { cause: error });
  }
  return { name, run: Handlebars.compile(text, { noEscape: true }) };
}

/** Renders with `funcs` as helpers; a helper's error becomes `template: NAME: error calling F: …`. */
export function renderHandlebars(template: HandlebarsTemplate, funcs: FuncMap): string {
  const helpers: Record<string, Handlebars.HelperDelegate> = {};
  for (const [name, fn] of Object.entries(funcs)) {
    helpers[name] = (...args: unknown[]) => {
      const values = args.slice(0, -1) as GoValue[];
      try {
        return toHandlebarsValue(fn.call(...values));
      } catch (error) {
        throw new CtmplError('TEMPLATE_EXEC', `template: ${template.name}: error calling ${name}: ${messageOf(error)}`, { cause: error });
      }
    };
  }
  try {
    return template.run(undefined, { helpers });
  } catch (error) {
    if (error instanceof CtmplError) throw error;
    throw new CtmplError('TEMPLATE_EXEC', `template: ${template.name}: ${messageOf(error)}`, { cause: error });
  }
}

/** Go values → what Handlebars can walk: Maps become objects, floats numbers, channels arrays, json.Number its text. */
function toHandlebarsValue(value: GoValue): unknown {
  if (value instanceof GoFloat) return value.value;
  if (value instanceof GoChannel) return [...value.values].map(toHandlebarsValue);
  if (Array.isArray(value)) return value.map(toHandlebarsValue);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, toHandlebarsValue(v)]));
  if (value instanceof JsonNumber) return value.text;
  if (value instanceof GoNil) return null;
  if (isStruct(value)) {
    // A spread keeps the symbol-keyed type name and methods; only the fields are converted.
    const copy: Record<string, unknown> = { ...value };
    for (const key of Object.keys(value)) copy[key] = toHandlebarsValue(value[key]);
    return copy;
  }
  return value;
}
