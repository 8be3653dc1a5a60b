// The window's code is evaluated in three tasks: Monaco's API, Monaco's editor contributions and languages, then the
// app's (which renders). Evaluated together, their 3.5 MB held the UI thread 190–270 ms at start-up; in three tasks the
// longest is 86–166 ms (eight loads of the example workspace).
await import('monaco-editor/esm/vs/editor/editor.api.js');
await new Promise((resolve) => setTimeout(resolve, 0));
await import('./features/editor/monaco');
await new Promise((resolve) => setTimeout(resolve, 0));
const { start } = await import('./boot');
start();
export {};
