// The in-process loops of a server (webhook and e-mail delivery, mover reviews): one pass every
// `ms`, never two at once in one process, a failure logged once per distinct message rather than on
// every pass. The timer does not keep the process alive.
import { log } from "./log";

export function everyInterval(name: string, ms: number, pass: () => Promise<void>): void {
  let running = false;
  let lastError: string | undefined;
  setInterval(() => {
    if (running) return;
    running = true;
    void (async () => {
      try {
        await pass();
        lastError = undefined;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (message !== lastError) log.warn(`${name} failed`, { error: message });
        lastError = message;
      } finally {
        running = false;
      }
    })();
  }, ms).unref();
}
