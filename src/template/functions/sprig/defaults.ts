import { fromJSON, goFunc, type FuncMap, type GoValue } from '../../go/values.js';
import { marshalGoJSON } from '../json-encode.js';
import { parseGoJSON } from '../json-scan.js';
import { isEmpty } from './cast.js';

/** sprig's defaults.go: default, empty, coalesce, all, any, ternary and the JSON functions. */

/** json.Unmarshal into interface{}: a number beyond float64's range is Go's UnmarshalTypeError. */
function mustFromJson(text: string): GoValue {
  const value = parseGoJSON(text);
  const tooBig = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?[eE][+-]?[0-9]+|-?[0-9]{309,}(?:\.[0-9]+)?/g;
  for (const [literal] of text.matchAll(tooBig)) {
    if (!Number.isFinite(Number(literal))) throw new Error(`json: cannot unmarshal number ${literal} into Go value of type float64`);
  }
  return fromJSON(value);
}

function fromJson(text: string): GoValue {
  try {
    return mustFromJson(text);
  } catch {
    return null;
  }
}

const mustToJson = (v: GoValue): string => marshalGoJSON(v, { escapeHTML: true, indent: '' });
const mustToPrettyJson = (v: GoValue): string => marshalGoJSON(v, { escapeHTML: true, indent: '  ' });
const mustToRawJson = (v: GoValue): string => marshalGoJSON(v, { escapeHTML: false, indent: '' });

/** sprig's toJson and toPrettyJson drop the marshal error and give "". */
function orEmpty(marshal: (v: GoValue) => string): (v: GoValue) => string {
  return (v) => {
    try {
      return marshal(v);
    } catch {
      return '';
    }
  };
}

export function defaultFuncs(): FuncMap {
  return {
    default: goFunc(['any'], (d: GoValue, ...given: GoValue[]) => (given.length === 0 || isEmpty(given[0]) ? d : given[0]), 'any'),
    empty: goFunc(['any'], isEmpty),
    coalesce: goFunc([], (...values: GoValue[]) => values.find((v) => !isEmpty(v)) ?? null, 'any'),
    all: goFunc([], (...values: GoValue[]) => values.every((v) => !isEmpty(v)), 'any'),
    any: goFunc([], (...values: GoValue[]) => values.some((v) => !isEmpty(v)), 'any'),
    ternary: goFunc(['any', 'any', 'bool'], (whenTrue: GoValue, whenFalse: GoValue, cond: boolean) => (cond ? whenTrue : whenFalse)),
    fromJson: goFunc(['string'], fromJson),
    mustFromJson: goFunc(['string'], mustFromJson),
    toJson: goFunc(['any'], orEmpty(mustToJson)),
    mustToJson: goFunc(['any'], mustToJson),
    toPrettyJson: goFunc(['any'], orEmpty(mustToPrettyJson)),
    mustToPrettyJson: goFunc(['any'], mustToPrettyJson),
    toRawJson: goFunc(['any'], mustToRawJson),
    mustToRawJson: goFunc(['any'], mustToRawJson),
  };
}
