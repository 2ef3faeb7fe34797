export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'text' | 'json';

export const logLevels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** How protocol code reports what it does: a backend gets this, never the whole Logger. */
export type LogFunction = (level: LogLevel, message: string) => void;
