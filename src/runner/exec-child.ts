import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { ExecSettings } from '../config/config.js';
import type { Logger } from '../log.js';

/** What a daemon pass tells the child supervisor. */
export interface PassReport {
  /** Every resource has rendered completely at least once. */
  readonly isComplete: boolean;
  /** Some destination was written in this pass. */
  readonly didChange: boolean;
  /** A render or write of this pass failed. */
  readonly didFail: boolean;
}

export interface ExecChildOptions {
  readonly logger: Logger;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Where the child's output goes (the default inherits ctmpl's own stdio). */
  readonly stdio?: 'inherit' | 'ignore';
}

/**
 * consul-template's exec mode: one supervised child. It starts after the first complete render,
 * is sent the reload signal (or restarted) after a pass that changed a file, never after a pass
 * that failed; `exited` resolves with its status when it exits on its own or after `stop`.
 */
export class ExecChild {
  readonly #settings: ExecSettings;
  readonly #options: ExecChildOptions;
  #child: ChildProcess | undefined;
  #childExit: Promise<number> | undefined;
  #isRestarting = false;
  #isStopping = false;
  #resolveExited!: (code: number) => void;
  /** The status ctmpl exits with: the child's, or 128 + signal number when a signal ended it. */
  readonly exited: Promise<number>;

  constructor(settings: ExecSettings, options: ExecChildOptions) {
    this.#settings = settings;
    this.#options = options;
    this.exited = new Promise((resolve) => (this.#resolveExited = resolve));
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** The daemon's callback after each pass. */
  async onPassComplete(pass: PassReport): Promise<void> {
    if (this.#isStopping || !pass.isComplete || pass.didFail) {
      if (pass.didFail && this.#child) this.#options.logger.warn('exec', 'a render failed: the child keeps running unchanged');
      return;
    }
    if (!this.#child) return this.#start();
    if (!pass.didChange) return;
    await this.#splay();
    if (this.#isStopping) return;
    if (this.#settings.reloadSignal) {
      this.#options.logger.info('exec', `sending ${this.#settings.reloadSignal} to the child (pid ${this.#child.pid})`);
      this.#signal(this.#settings.reloadSignal);
      return;
    }
    this.#options.logger.info('exec', `restarting the child (pid ${this.#child.pid})`);
    this.#isRestarting = true;
    await this.#terminate();
    this.#isRestarting = false;
    if (!this.#isStopping) this.#start();
  }

  /** Forwards `signal` to the child (SIGTERM/SIGINT to ctmpl end the child this way). */
  forward(signal: NodeJS.Signals): void {
    this.#signal(signal);
  }

  /**
   * Ends supervision: forwards `signal` (default the kill signal), SIGKILLs after the kill
   * timeout, and resolves with the child's status; 0 when no child ever started.
   */
  async stop(signal?: NodeJS.Signals): Promise<number> {
    this.#isStopping = true;
    if (!this.#child) this.#resolveExited(0);
    else await this.#terminate(signal);
    return this.exited;
  }

  #start(): void {
    const child = spawn('/bin/sh', ['-c', shellLineFor(this.#settings.command)], {
      cwd: this.#options.cwd,
      env: this.#options.env as NodeJS.ProcessEnv,
      stdio: this.#options.stdio ?? 'inherit',
      // Its own process group, so a signal reaches the command even when sh does not exec it.
      detached: true,
    });
    this.#child = child;
    this.#options.logger.info('exec', `started "${this.#settings.command}" (pid ${child.pid})`);
    this.#childExit = new Promise((resolve) => {
      child.once('error', (error) => {
        this.#options.logger.error('exec', `cannot start "${this.#settings.command}": ${error.message}`);
        resolve(127);
      });
      child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
    void this.#childExit.then((status) => {
      if (this.#child === child) this.#child = undefined;
      if (this.#isRestarting) return;
      this.#options.logger.info('exec', `child exited with status ${status}`);
      this.#isStopping = true;
      this.#resolveExited(status);
    });
  }

  async #terminate(signal: NodeJS.Signals = this.#settings.killSignal): Promise<void> {
    const exit = this.#childExit;
    if (!this.#child || !exit) return;
    this.#signal(signal);
    const timer = setTimeout(() => this.#signal('SIGKILL'), this.#settings.killTimeoutMs);
    await exit;
    clearTimeout(timer);
  }

  #signal(signal: NodeJS.Signals): void {
    const pid = this.#child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone: its exit is on its way
    }
  }

  /** A random pause up to -exec-splay, so a fleet does not restart its children in step. */
  async #splay(): Promise<void> {
    if (this.#settings.splayMs <= 0) return;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * this.#settings.splayMs));
  }
}

/**
 * The shell line for the child: a simple command is `exec`ed, so the child is the command
 * itself and its exit status and signals are the command's, not a shell's (a shell killed by
 * the forwarded SIGTERM would report 143 even when the command exits 0 on it). A pipeline or
 * list keeps its shell.
 */
export function shellLineFor(command: string): string {
  const unquoted = command.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, '');
  return /[;&|<>`\n(){}]|\$\(/.test(unquoted) ? command : `exec ${command}`;
}
