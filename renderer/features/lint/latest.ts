/**
 * Runs `task` `delay` ms after the last `poke()`, one at a time: pokes during a run schedule exactly one more run,
 * so results always catch up with the latest edit and never pile up.
 */
export function latest(task: () => Promise<void>, delay: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await task();
    } finally {
      running = false;
      if (again) {
        again = false;
        poke();
      }
    }
  };
  const poke = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), delay);
  };
  return { poke, now: () => void run(), cancel: () => clearTimeout(timer) };
}
