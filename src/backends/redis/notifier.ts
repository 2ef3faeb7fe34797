/** A coalescing flag: notices set it, `wait` takes it, a failure is reported to every later wait. */
export class Notifier {
  #isDirty = false;
  #failure: Error | undefined;
  #wake: (() => void) | undefined;

  notify(): void {
    this.#isDirty = true;
    this.#wake?.();
  }

  fail(error: Error): void {
    this.#failure ??= error;
    this.#wake?.();
  }

  async wait(signal: AbortSignal): Promise<void> {
    while (!this.#isDirty && !this.#failure && !signal.aborted) {
      let onAbort = () => {};
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        onAbort = resolve;
        signal.addEventListener('abort', onAbort, { once: true });
      });
      signal.removeEventListener('abort', onAbort);
      this.#wake = undefined;
    }
    if (this.#failure) throw this.#failure;
    this.#isDirty = false;
  }
}
