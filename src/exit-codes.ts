import type { ErrorCode } from './errors.js';

/** Exit statuses, documented in the README. 2 is reserved for "dry run found changes". */
export const ExitCode = {
  ok: 0,
  failure: 1,
  dryRunChanges: 2,
  usage: 64,
  template: 65,
  backendUnavailable: 69,
  config: 78,
} as const;

const byErrorCode: Record<ErrorCode, number> = {
  USAGE: ExitCode.usage,
  CONFIG: ExitCode.config,
  TEMPLATE_PARSE: ExitCode.template,
  TEMPLATE_EXEC: ExitCode.failure,
  TEMPLATE_MISSING: ExitCode.failure,
  BACKEND: ExitCode.backendUnavailable,
  WRITE: ExitCode.failure,
  CHECK: ExitCode.failure,
  RELOAD: ExitCode.failure,
  ABORTED: ExitCode.ok,
};

/** The exit status for an error code. */
export function exitCodeFor(code: ErrorCode): number {
  return byErrorCode[code];
}
