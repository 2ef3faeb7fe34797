/**
 * The fenced code blocks of a Markdown page, with the section each sits in. A block's info
 * string is its language then `name=value` or bare `name` attributes:
 *
 * - `yaml file=data.yaml`: a file the section's example writes before it runs;
 * - `sh run`: commands run (with `sh`, in the example's directory, `ctmpl` on PATH); the last
 *   one's status must be 0;
 * - `text output`: what the run before it printed on stdout, exactly;
 * - `text expect=out.conf`: what a file holds after the runs;
 * - `go-template` (`flavor=confd` for the confd meaning of the shared names): a template that
 *   must parse with the functions of its flavor (`invalid`: that must not).
 *
 * Blocks of a section (`##` or deeper heading) form one example: they share one directory.
 */
export interface CodeBlock {
  readonly page: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly section: string;
  readonly lang: string;
  readonly attrs: ReadonlyMap<string, string | true>;
  readonly text: string;
}

/** Every fenced block of `markdown`, in order. */
export function codeBlocks(page: string, markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#{1,6}\s+(.*)$/.exec(lines[i]!);
    if (heading) {
      section = heading[1]!.trim();
      continue;
    }
    const fence = /^(```+|~~~+)\s*(.*)$/.exec(lines[i]!);
    if (!fence) continue;
    const [lang = '', ...words] = fence[2]!.trim().split(/\s+/).filter(Boolean);
    const attrs = new Map<string, string | true>(words.map((word) => {
      const at = word.indexOf('=');
      return at === -1 ? [word, true] : [word.slice(0, at), word.slice(at + 1)];
    }));
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith(fence[1]!); i++) body.push(lines[i]!);
    if (i >= lines.length) throw new Error(`${page}:${start + 1}: unclosed code fence`);
    blocks.push({ page, line: start + 1, section, lang, attrs, text: body.length > 0 ? `${body.join('\n')}\n` : '' });
  }
  return blocks;
}

/**
 * The `ctmpl …` commands of a shell block, each split into words as `sh` would (quotes, no
 * expansions), without `ctmpl`, redirections and comments.
 */
export function ctmplCommandLines(block: CodeBlock): string[][] {
  const joined = block.text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.replace(/^\$\s+/, '').trim())
    .flatMap((line) => line.split(/\s*(?:&&|\|\||;|\||&)\s*(?=(?:[^"']|"[^"]*"|'[^']*')*$)/))
    .map((command) => shellWords(command.replace(/^(?:[A-Z_][A-Z0-9_]*=\S*\s+)+/, '')))
    .filter((words) => words[0] === 'ctmpl')
    .map((words) => withoutComment(words.slice(1)).filter((word) => !isRedirection(word)));
}

/** `2>/dev/null`, `2>&1`, `>out`: the shell's, not the command's. */
function isRedirection(word: string): boolean {
  return /^\d*(?:>>?|<)/.test(word);
}

function withoutComment(words: string[]): string[] {
  const at = words.findIndex((word) => word.startsWith('#'));
  return at === -1 ? words : words.slice(0, at);
}

/** Splits a command into words: single and double quotes group, a backslash escapes in double quotes. */
function shellWords(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let isWord = false;
  for (let i = 0; i < command.length; i++) {
    const char = command[i]!;
    if (char === "'") {
      const end = command.indexOf("'", i + 1);
      word += command.slice(i + 1, end);
      i = end;
      isWord = true;
    } else if (char === '"') {
      for (i++; i < command.length && command[i] !== '"'; i++) word += command[i] === '\\' ? command[++i] : command[i];
      isWord = true;
    } else if (/\s/.test(char)) {
      if (isWord) words.push(word);
      word = '';
      isWord = false;
    } else {
      word += char;
      isWord = true;
    }
  }
  if (isWord) words.push(word);
  return words;
}
