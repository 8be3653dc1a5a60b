// Builds the Monaco model of a large file without holding the UI thread for the whole of it.
import type { editor, Uri } from 'monaco-editor';
import { PieceTreeTextBufferBuilder } from 'monaco-editor/esm/vs/editor/common/model/pieceTreeTextBuffer/pieceTreeTextBufferBuilder.js';
import { m } from './monaco';
import { LARGE_LANGUAGES, modelLanguageFor } from './model-language';

/**
 * `createModel(text)` scans the whole text for line starts, EOLs and RTL in one task: 150–750 ms for GitHub's 13 MB
 * description, a frozen window. Monaco's own buffer builder takes the text in chunks, so the scan is spread over
 * tasks of a few milliseconds each; the model is then made from the finished buffer (`createModel` accepts a
 * buffer factory where it accepts a string) and knows its real size from the start, so Monaco's large-file limits
 * (no tokenization past 20 MB or 300,000 lines) apply as they would to the plain text.
 */
const CHUNKED_FROM_CHARS = 1_000_000;
const CHUNK_CHARS = 256 * 1024;

/** The text a large model was made from, until its first edit: `textOf` hands it out instead of a copy. */
const madeFrom = new WeakMap<editor.ITextModel, string>();

export async function createModelInSlices(text: string, fileLanguage: string, uri: Uri): Promise<editor.ITextModel> {
  const language = modelLanguageFor(fileLanguage, text.length);
  if (text.length < CHUNKED_FROM_CHARS) return m.editor.createModel(text, language, uri);
  const builder = new PieceTreeTextBufferBuilder();
  for (let at = 0; at < text.length; at += CHUNK_CHARS) {
    // The builder holds back a trailing \r or high surrogate until the next chunk: any cut is safe.
    builder.acceptChunk(text.slice(at, at + CHUNK_CHARS));
    await nextTask();
  }
  // Made as plain text, then given its language: Monaco (0.52) sets up the model's tokenizer while its constructor
  // runs, before it has decided whether the model is too large to tokenize, so a model past its limits (20 MB or
  // 300,000 lines: GitHub's description has 347k) was tokenized anyway, in the background on this thread, all of it
  // within seconds of opening. Given its language afterwards, the model is tokenized by Monaco's rule: not at all
  // when too large (no highlighting: the status bar says so), as usual when not.
  const model = m.editor.createModel(builder.finish(true) as unknown as string, 'plaintext', uri);
  m.editor.setModelLanguage(model, language);
  // Unless Monaco normalized mixed line ends (then the lengths differ), the model's text is `text`.
  if (model.getValueLength() !== text.length) return model;
  madeFrom.set(model, text);
  const edited = model.onDidChangeContent(() => {
    madeFrom.delete(model);
    edited.dispose();
  });
  return model;
}

/**
 * A model's text. `getValue()` joins the piece tree into a new string: for GitHub's description 13 MB and ~70 ms of
 * this thread, plus the garbage. A large model not edited since it was made still has the string it was made from.
 */
export function textOf(model: editor.ITextModel): string {
  return madeFrom.get(model) ?? model.getValue();
}

/**
 * Whether Monaco decided, when it made the model, not to tokenize it (no highlighting). The decision is Monaco's
 * (`TextModel.isTooLargeForTokenization`, not in its typed API): more than 20 MB or 300,000 lines at creation.
 */
export function isTooLargeToHighlight(model: editor.ITextModel): boolean {
  return (model as editor.ITextModel & { isTooLargeForTokenization?(): boolean }).isTooLargeForTokenization?.() === true;
}

/** Yields to the event loop (input, paint) before the next slice; a message is not throttled like setTimeout. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * The languages of models too large for a language worker (`model-language.ts`): the same highlighting (where Monaco
 * tokenizes at all: up to 20 MB and 300,000 lines) and the same brackets and auto-closing as JSON and YAML, nothing
 * that needs the whole model elsewhere.
 */
m.languages.register({ id: LARGE_LANGUAGES.json });
m.languages.setLanguageConfiguration(LARGE_LANGUAGES.json, {
  wordPattern: /(-?\d*\.\d\w*)|([^[{\]}:",\s]+)/g,
  brackets: [
    ['{', '}'],
    ['[', ']'],
  ],
  autoClosingPairs: [
    { open: '{', close: '}', notIn: ['string'] },
    { open: '[', close: ']', notIn: ['string'] },
    { open: '"', close: '"', notIn: ['string'] },
  ],
});
// The token names of Monaco's JSON mode (`string.key.json`, ...), so that themes colour both alike.
m.languages.setMonarchTokensProvider(LARGE_LANGUAGES.json, {
  tokenPostfix: '.json',
  tokenizer: {
    root: [
      [/"(?:[^"\\]|\\.)*"(?=\s*:)/, 'string.key'],
      [/"(?:[^"\\]|\\.)*"?/, 'string.value'],
      [/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/, 'number'],
      [/\b(?:true|false|null)\b/, 'keyword'],
      [/[{}[\]]/, 'delimiter.bracket'],
      [/[,:]/, 'delimiter'],
      [/\s+/, 'white'],
      [/./, 'invalid'],
    ],
  },
});
m.languages.register({ id: LARGE_LANGUAGES.yaml });
m.languages.onLanguage(LARGE_LANGUAGES.yaml, () => {
  void import('monaco-editor/esm/vs/basic-languages/yaml/yaml.js').then(({ conf, language }) => {
    m.languages.setLanguageConfiguration(LARGE_LANGUAGES.yaml, conf);
    m.languages.setMonarchTokensProvider(LARGE_LANGUAGES.yaml, language);
  });
});
