/**
 * Log lines read `[LEVEL] (component) subject: message`, or one JSON object per line with
 * `-log-format json`. Logs go to stderr; stdout is kept for `-noop` diffs.
 */
import type { LogFormat, LogLevel } from './types/log.js';
import { redactCredentials } from './redact.js';

export { logLevels, type LogFormat, type LogFunction, type LogLevel } from './types/log.js';

const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
  debug(component: string, message: string): void;
  info(component: string, message: string): void;
  warn(component: string, message: string): void;
  error(component: string, message: string): void;
}

/** Returns a logger writing lines at or above `level` to `stream`. */
export function createLogger(level: LogLevel, format: LogFormat, stream: { write(text: string): unknown }): Logger {
  const write = (lineLevel: LogLevel, component: string, text: string) => {
    if (rank[lineLevel] < rank[level]) return;
    const message = redactCredentials(text);
    const time = new Date().toISOString();
    if (format === 'json') {
      stream.write(`${JSON.stringify({ time, level: lineLevel, component, message })}\n`);
    } else {
      stream.write(`${time} [${lineLevel.toUpperCase()}] (${component}) ${message}\n`);
    }
  };
  return {
    debug: (component, message) => write('debug', component, message),
    info: (component, message) => write('info', component, message),
    warn: (component, message) => write('warn', component, message),
    error: (component, message) => write('error', component, message),
  };
}
