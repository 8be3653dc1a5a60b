// The docs preview runs in a sandboxed frame with an opaque origin, which Chromium puts in a process of its own: a
// frame that is busy for seconds (Elements on a very large design) must not stall the editor's frames or typing.
import { test, expect } from './support/fixtures.ts';

test('the docs frame is sandboxed and does not block the editor', async ({ app: page }) => {
  const frameElement = page.getByTestId('preview-frame');
  await expect(frameElement).toHaveAttribute('sandbox', /allow-scripts/);
  await expect(frameElement).not.toHaveAttribute('sandbox', /allow-same-origin/);
  await expect(page.frameLocator('[data-testid=preview-frame]').getByText('Petstore').first()).toBeVisible();
  await expect(page.getByTestId('preview-status')).toHaveText('Live');

  const frame = page.frames().find((f) => f.url().endsWith('/preview.html'));
  expect(frame, 'the docs frame').toBeDefined();
  // An opaque origin, and no way into the workspace window's document.
  expect(await frame!.evaluate(() => self.origin)).toBe('null');
  expect(await frame!.evaluate(() => {
    try {
      return window.parent.document !== undefined;
    } catch {
      return false;
    }
  })).toBe(false);
  // The example's cors policy does not allow the frame's origin: the UI says so instead of widening it.
  await expect(page.getByTestId('preview-cors-hint')).toContainText("'null'");

  // Record the editor window's animation frames (Date.now: one clock for both documents) ...
  await page.evaluate(() => {
    const w = window as unknown as { frameTimes: number[]; stopFrames: boolean };
    w.frameTimes = [];
    w.stopFrames = false;
    const tick = () => {
      w.frameTimes.push(Date.now());
      if (!w.stopFrames) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  // ... while the docs frame blocks its own main thread for 1.5 s.
  await frame!.evaluate(() => {
    setTimeout(() => {
      const w = window as unknown as { busy?: [number, number] };
      const start = Date.now();
      while (Date.now() - start < 1500) {
        // busy
      }
      w.busy = [start, Date.now()];
    }, 50);
  });
  await expect.poll(() => frame!.evaluate(() => (window as unknown as { busy?: [number, number] }).busy ?? null), { timeout: 10_000 }).not.toBeNull();
  const [start, end] = (await frame!.evaluate(() => (window as unknown as { busy: [number, number] }).busy));
  const times = await page.evaluate(() => {
    const w = window as unknown as { frameTimes: number[]; stopFrames: boolean };
    w.stopFrames = true;
    return w.frameTimes;
  });
  const during = times.filter((t) => t > start && t < end);
  let longestGap = 0;
  for (let i = 1; i < times.length; i++) if (times[i]! > start - 100 && times[i - 1]! < end + 100) longestGap = Math.max(longestGap, times[i]! - times[i - 1]!);
  // Same thread: no frame at all in those 1.5 s and one gap ≥ 1.5 s. Own process: frames go on (headless: ~60/s).
  expect(during.length, `editor frames while the docs frame was busy (${start}–${end})`).toBeGreaterThan(20);
  expect(longestGap, 'longest gap between editor frames while the docs frame was busy (ms)').toBeLessThan(500);
});
