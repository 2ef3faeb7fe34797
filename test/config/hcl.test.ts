import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseHcl, type HclValue } from '../../src/config/hcl.js';

/** Prints a parsed value back as plain data (repeated blocks as arrays), the test oracle. */
function plain(value: HclValue): unknown {
  if (value.kind === 'literal') return value.value;
  if (value.kind === 'list') return value.values.map(plain);
  return value.items.map((item) => [item.keys.map((k) => k.name).join(' '), plain(item.value)]);
}

const cases: { name: string; text: string; result: unknown }[] = [
  { name: 'reads assignments of every literal kind', text: 'a = "x"\nb = 3\nc = true\nd = 1.5\ne = -2', result: [['a', 'x'], ['b', 3], ['c', true], ['d', 1.5], ['e', -2]] },
  { name: 'reads a leading zero as octal, as HCL1 does for perms', text: 'perms = 0600', result: [['perms', 384]] },
  { name: 'reads blocks, repeated blocks and nested blocks', text: 'template {\n  source = "a"\n}\ntemplate {\n  x { y = 1 }\n}', result: [['template', [['source', 'a']]], ['template', [['x', [['y', 1]]]]]] },
  { name: 'reads lists with a trailing comma', text: 'l = ["a", "b",]', result: [['l', ['a', 'b']]] },
  { name: 'skips all three comment styles', text: '# one\n// two\n/* three\n */ a = 1', result: [['a', 1]] },
  { name: 'reads escapes in strings', text: 'a = "q\\"\\n\\u00e9"', result: [['a', 'q"\né']] },
  { name: 'reads a heredoc up to its closing word', text: 'c = <<EOT\nline {{ x }}\n  two\nEOT\nb = 1', result: [['c', 'line {{ x }}\n  two\n'], ['b', 1]] },
  { name: 'reads JSON, as HCL1 does', text: '{"consul": {"address": "x"}, "template": [{"source": "a"}, {"source": "b"}]}', result: [['consul', [['address', 'x']]], ['template', [[['source', 'a']], [['source', 'b']]]]] },
  { name: 'reads labelled blocks as several keys', text: 'service "web" { port = 80 }', result: [['service web', [['port', 80]]]] },
];

const failures: { name: string; text: string; message: RegExp }[] = [
  { name: 'an unterminated string', text: 'a = 1\nb = "x\n', message: /^f\.hcl:2:5: unterminated string$/ },
  { name: 'a missing value', text: 'a = \n}', message: /^f\.hcl:2:1: expected a value, found }$/ },
  { name: 'an unclosed block', text: 'a {\n  b = 1\n', message: /^f\.hcl:3:1: expected }, found end of file$/ },
  { name: 'a stray character', text: 'a = 1\n  @', message: /^f\.hcl:2:3: unexpected character "@"$/ },
  { name: 'an unclosed heredoc', text: 'a = <<EOT\nx\n', message: /heredoc EOT is never closed/ },
];

describe('the HCL1 reader', () => {
  for (const { name, text, result } of cases) {
    it(name, () => assert.deepEqual(plain(parseHcl(text, 'f.hcl')), result));
  }
  for (const { name, text, message } of failures) {
    it(`refuses ${name} naming file, line and column`, () => {
      assert.throws(() => parseHcl(text, 'f.hcl'), (error: Error & { code?: string }) => error.code === 'CONFIG' && message.test(error.message));
    });
  }
  it('keeps the line and column of every key', () => {
    const root = parseHcl('a = 1\n  template {\n    source = "x"\n  }', 'f.hcl');
    assert.equal(root.kind, 'object');
    const items = root.kind === 'object' ? root.items : [];
    assert.deepEqual(items.map((item) => item.keys[0]!.pos), [{ line: 1, col: 1 }, { line: 2, col: 3 }]);
  });

  it('counts the lines of comments and heredocs in later positions', () => {
    const root = parseHcl('/* a\nb */ c = <<EOT\nx\ny\nEOT\n  d = 1', 'f.hcl');
    const items = root.kind === 'object' ? root.items : [];
    assert.deepEqual(items.map((item) => item.keys[0]!.pos), [{ line: 2, col: 6 }, { line: 6, col: 3 }]);
  });
});
