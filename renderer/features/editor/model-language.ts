// Which Monaco language a file's model gets. Pure (no Monaco), so it is tested in Node.

export const languageFor = (path: string) => (/\.json$/i.test(path) ? 'json' : /\.ya?ml$/i.test(path) ? 'yaml' : 'plaintext');

/**
 * From this size a JSON or YAML model gets a language of its own (`json-large`, `yaml-large`): highlighting and
 * editing rules, but no language worker. Monaco's JSON and YAML modes post the whole model to their worker when it
 * is made (GitHub's description: 14 MB of lines, 60 ms and more of the UI thread, at the moment the window opens) and
 * validate all of it again after every pause in typing, on a core the engine's lint needs. Spectral's lint of the
 * design reports the same schema and syntax problems.
 */
export const WORKERLESS_FROM_CHARS = 10_000_000;
export const LARGE_LANGUAGES = { json: 'json-large', yaml: 'yaml-large' } as const;

export function modelLanguageFor(language: string, chars: number): string {
  if (chars < WORKERLESS_FROM_CHARS) return language;
  return language === 'json' || language === 'yaml' ? LARGE_LANGUAGES[language] : language;
}
