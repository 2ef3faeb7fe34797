/**
 * The one error family of ctmpl. Every failure a user can meet is a CtmplError with a stable
 * `code`; callers branch on the code, never on the message. The CLI maps codes to exit statuses
 * in one table (src/cli/exit-codes.ts).
 */
export type ErrorCode =
  | 'USAGE' // bad flag or flag value
  | 'CONFIG' // ctmpl.toml / confd.toml / conf.d resource problems
  | 'TEMPLATE_PARSE' // template syntax error
  | 'TEMPLATE_EXEC' // template execution error (function error, bad argument…)
  | 'TEMPLATE_MISSING' // once mode: data never became available (lookup timeout)
  | 'BACKEND' // backend unreachable, auth failure, bad answer
  | 'WRITE' // destination could not be written
  | 'CHECK' // check_cmd failed
  | 'RELOAD' // reload_cmd failed
  | 'ABORTED'; // the operation was cancelled by a signal

export class CtmplError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CtmplError';
    this.code = code;
  }
}

/** Returns the error's message, for values thrown by code we do not own. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True when `error` is the AbortError an aborted signal produces. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR');
}

/** A CtmplError that knows where in its file it happened: 1-based line and column, for `check`. */
export class PositionedError extends CtmplError {
  readonly line: number;
  readonly col: number;

  constructor(code: ErrorCode, message: string, at: { line: number; col: number }, options?: { cause?: unknown }) {
    super(code, message, options);
    this.line = at.line;
    this.col = at.col;
  }
}

/** The 1-based line and column (in characters) of `offset` in `text`. */
export function positionOf(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, Math.min(offset, text.length));
  const lines = before.split('\n');
  return { line: lines.length, col: (lines.at(-1)?.length ?? 0) + 1 };
}
