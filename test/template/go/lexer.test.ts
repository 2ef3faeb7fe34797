import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Lexer, type TokenKind } from '../../../src/template/go/lexer.js';

type Item = [TokenKind, string];

function lex(input: string, leftDelim = '{{', rightDelim = '}}'): Item[] {
  const lexer = new Lexer(input, { leftDelim, rightDelim, breakOK: true, continueOK: true });
  const items: Item[] = [];
  for (;;) {
    const token = lexer.nextToken();
    items.push([token.kind, token.value]);
    if (token.kind === 'eof' || token.kind === 'error') return items;
  }
}

const L: Item = ['leftDelim', '{{'];
const R: Item = ['rightDelim', '}}'];
const EOF: Item = ['eof', ''];
const SP: Item = ['space', ' '];

const cases: { name: string; input: string; items: Item[]; delims?: [string, string] }[] = [
  { name: 'empty input is just EOF', input: '', items: [EOF] },
  { name: 'plain text is one text token', input: 'now is the time', items: [['text', 'now is the time'], EOF] },
  { name: 'text around an action', input: 'a{{.}}b', items: [['text', 'a'], L, ['dot', '.'], R, ['text', 'b'], EOF] },
  { name: 'a comment is dropped', input: 'a{{/* c */}}b', items: [['text', 'a'], ['text', 'b'], EOF] },
  { name: 'a trimmed comment trims both sides', input: 'a \n{{- /* c */ -}}\n b', items: [['text', 'a'], ['text', 'b'], EOF] },
  { name: 'trim markers remove ASCII spaces, tabs and newlines', input: 'a \t\r\n{{- 3 -}} \n b', items: [['text', 'a'], L, ['number', '3'], R, ['text', 'b'], EOF] },
  { name: 'a minus without a space is a negative number', input: '{{-3}}', items: [L, ['number', '-3'], R, EOF] },
  { name: 'trim marker before a closing delimiter after several spaces', input: '{{3   -}}x', items: [L, ['number', '3'], ['space', '  '], R, ['text', 'x'], EOF] },
  { name: 'keywords, identifiers and booleans', input: '{{if true}}{{range $i := printf}}', items: [L, ['if', 'if'], SP, ['bool', 'true'], R, L, ['range', 'range'], SP, ['variable', '$i'], SP, ['declare', ':='], SP, ['identifier', 'printf'], R, EOF] },
  { name: 'fields are split at each dot', input: '{{.a.b $x.c}}', items: [L, ['field', '.a'], ['field', '.b'], SP, ['variable', '$x'], ['field', '.c'], R, EOF] },
  { name: 'assignment, pipe, parens and comma', input: '{{$x = (f) | g, 1}}', items: [L, ['variable', '$x'], SP, ['assign', '='], SP, ['leftParen', '('], ['identifier', 'f'], ['rightParen', ')'], SP, ['pipe', '|'], SP, ['identifier', 'g'], ['char', ','], SP, ['number', '1'], R, EOF] },
  { name: 'numbers in every base with underscores', input: '{{0x1F 0o17 0b101 1_000 1.5e3 .5 0x1p-2}}', items: [L, ['number', '0x1F'], SP, ['number', '0o17'], SP, ['number', '0b101'], SP, ['number', '1_000'], SP, ['number', '1.5e3'], SP, ['number', '.5'], SP, ['number', '0x1p-2'], R, EOF] },
  { name: 'quoted, raw and char literals', input: '{{"a\\"b" `r\nr` \'\\n\'}}', items: [L, ['string', '"a\\"b"'], SP, ['rawString', '`r\nr`'], SP, ['charConstant', "'\\n'"], R, EOF] },
  { name: 'custom delimiters', input: '<<.x>>{{y}}', delims: ['<<', '>>'], items: [['leftDelim', '<<'], ['field', '.x'], ['rightDelim', '>>'], ['text', '{{y}}'], EOF] },
  { name: 'newlines are allowed inside actions', input: '{{f\n1}}', items: [L, ['identifier', 'f'], ['space', '\n'], ['number', '1'], R, EOF] },
  { name: 'an unterminated string is an error', input: '{{"abc}}', items: [L, ['error', 'unterminated quoted string']] },
  { name: 'an unclosed action is an error', input: '{{range', items: [L, ['range', 'range'], ['error', 'unclosed action']] },
  { name: 'an unclosed comment is an error', input: '{{/* x', items: [['error', 'unclosed comment']] },
  { name: 'a comment must end at the delimiter', input: '{{/* x */ }}', items: [['error', 'comment ends before closing delimiter']] },
  { name: 'a bad number is an error', input: '{{3k}}', items: [L, ['error', 'bad number syntax: "3k"']] },
  { name: 'an unrecognized character is an error', input: '{{\u0001}}', items: [L, ['error', 'unrecognized character in action: U+0001']] },
  { name: 'an unclosed paren is an error', input: '{{(3}}', items: [L, ['leftParen', '('], ['number', '3'], ['error', 'unclosed left paren']] },
  { name: 'an extra right paren is an error', input: '{{3)}}', items: [L, ['number', '3'], ['error', "unexpected right paren U+0029 ')'"]] },
];

describe('Go template lexer', () => {
  for (const c of cases) {
    it(`lexes: ${c.name}`, () => {
      assert.deepEqual(lex(c.input, ...(c.delims ?? ['{{', '}}'])), c.items);
    });
  }

  it('records the line where each token starts', () => {
    const lexer = new Lexer('a\nb{{.}}\n\n{{x\n}}', { leftDelim: '{{', rightDelim: '}}', breakOK: true, continueOK: true });
    const lines: number[] = [];
    for (let t = lexer.nextToken(); t.kind !== 'eof'; t = lexer.nextToken()) lines.push(t.line);
    assert.deepEqual(lines, [1, 2, 2, 2, 2, 4, 4, 4, 5]);
  });

  it('treats break as an identifier when a function is named break', () => {
    const lexer = new Lexer('{{break}}', { leftDelim: '{{', rightDelim: '}}', breakOK: false, continueOK: true });
    lexer.nextToken();
    assert.equal(lexer.nextToken().kind, 'identifier');
  });
});
