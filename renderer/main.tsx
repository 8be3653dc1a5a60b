// The window's code is evaluated in two tasks, Monaco's first, then the app's (which renders): evaluated together,
// their 3.5 MB held the UI thread 190–270 ms at start-up.
await import('./features/editor/monaco');
await new Promise((resolve) => setTimeout(resolve, 0));
const { start } = await import('./boot');
start();
export {};
