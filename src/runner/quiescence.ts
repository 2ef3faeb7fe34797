import type { Wait } from '../config/wait.js';

/**
 * consul-template's quiescence timer: each `touch` restarts a `min` countdown, but the callback
 * fires no later than `max` after the first touch of a burst.
 */
export class Quiescence {
  readonly #wait: Wait;
  readonly #fire: () => void;
  #minTimer: NodeJS.Timeout | undefined;
  #maxTimer: NodeJS.Timeout | undefined;

  constructor(wait: Wait, fire: () => void) {
    this.#wait = wait;
    this.#fire = fire;
  }

  touch(): void {
    clearTimeout(this.#minTimer);
    this.#minTimer = setTimeout(() => this.#done(), this.#wait.minMs);
    this.#maxTimer ??= setTimeout(() => this.#done(), this.#wait.maxMs);
  }

  cancel(): void {
    clearTimeout(this.#minTimer);
    clearTimeout(this.#maxTimer);
    this.#minTimer = this.#maxTimer = undefined;
  }

  #done(): void {
    this.cancel();
    this.#fire();
  }
}
