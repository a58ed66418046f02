import { InngestTestEngine, mockCtx } from "@inngest/test";
import { vi } from "vitest";

// An Inngest function run through @inngest/test. step.sendEvent is not mocked by the engine, so it
// is replaced with a spy the test reads.

type TestedFunction = ConstructorParameters<typeof InngestTestEngine>[0]["function"];

export function inngestEngine(fn: TestedFunction, options: { stepsOnce?: boolean } = {}) {
  const sendEvent = vi.fn(async () => ({ ids: ["evt"] }));
  // Every step.run by id, in call order.
  const stepRun = vi.fn((id: string) => id);
  // @inngest/test re-runs the function after each parallel step and starts every step it finds
  // again, so one parallel step could run twice at once. Inngest itself runs each step once: with
  // `stepsOnce`, so does the engine, by step id.
  const started = new Map<string, Promise<unknown>>();
  const t = new InngestTestEngine({
    function: fn,
    transformCtx: (ctx) => {
      const mocked = mockCtx(ctx);
      const step = mocked.step as unknown as {
        sendEvent: typeof sendEvent;
        run: (id: string, body: () => unknown) => Promise<unknown>;
      };
      step.sendEvent = sendEvent;
      if (options.stepsOnce) {
        const run = step.run.bind(step);
        step.run = (id, body) => {
          stepRun(id);
          return run(id, () => {
            if (!started.has(id)) started.set(id, Promise.resolve().then(body));
            return started.get(id);
          });
        };
      }
      return mocked;
    },
  });
  return { t, sendEvent, stepRun };
}
