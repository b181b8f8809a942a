/** A tiny typed event emitter (browser-safe). Listener errors are reported, never thrown into the emitter. */
export class Emitter<Events extends { [name: string]: unknown[] }> {
  private readonly listeners = new Map<keyof Events, Set<(...args: never[]) => unknown>>();

  constructor(private readonly onListenerError: (event: string, error: unknown) => void) {}

  on<E extends keyof Events>(event: E, listener: (...args: Events[E]) => unknown): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (...args: never[]) => unknown);
    return () => {
      set.delete(listener as (...args: never[]) => unknown);
    };
  }

  listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  emit<E extends keyof Events>(event: E, ...args: Events[E]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        const result = (listener as (...a: Events[E]) => unknown)(...args);
        if (result instanceof Promise) result.catch((error: unknown) => this.onListenerError(String(event), error));
      } catch (error) {
        this.onListenerError(String(event), error);
      }
    }
  }
}
