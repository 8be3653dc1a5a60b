// The window's code is evaluated in several tasks: Monaco's API in layers, then Monaco's editor contributions and
// languages, then the app's (which renders). Evaluated together, their 3.5 MB held the UI thread 190–270 ms at
// start-up; Monaco's API alone (2.3 MB) still took one task of 80–150 ms, past 200 ms on a busy machine. In layers
// (its base and services, the text model, the editor widget, the standalone services, the API) no start-up task
// was over 65 ms in six loads (docs/scale.md, "Fifth session"). A module is evaluated once: each layer evaluates only
// what the ones before it did not, and a module's imports are still evaluated before it.
const layers = [
  () => import('monaco-editor/esm/vs/editor/common/services/editorBaseApi.js'),
  () => import('monaco-editor/esm/vs/editor/common/model/textModel.js'),
  () => import('monaco-editor/esm/vs/editor/browser/widget/codeEditor/codeEditorWidget.js'),
  () => import('monaco-editor/esm/vs/editor/standalone/browser/standaloneServices.js'),
  () => import('monaco-editor/esm/vs/editor/editor.api.js'),
  () => import('./features/editor/monaco'),
];
for (const layer of layers) {
  await layer();
  await new Promise((resolve) => setTimeout(resolve, 0));
}
const { start } = await import('./boot');
start();
export {};
