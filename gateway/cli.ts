#!/usr/bin/env node
import { EXIT_BAD_INPUT, reportError } from './cli/errors.js';
import { readVersion } from './version.js';

/** `portico`: the engine's command-line door. Each command is imported only when used, to keep start-up fast. */

const commands: Record<string, { help: () => Promise<string>; run: (args: string[]) => Promise<number> }> = {
  serve: { help: async () => (await import('./cli/serve.js')).serveHelp, run: async (a) => (await import('./cli/serve.js')).serve(a) },
  lint: { help: async () => (await import('./cli/lint.js')).lintHelp, run: async (a) => (await import('./cli/lint.js')).lint(a) },
  consumers: { help: async () => (await import('./cli/consumers.js')).consumersHelp, run: async (a) => (await import('./cli/consumers.js')).consumers(a) },
  traffic: { help: async () => (await import('./cli/traffic.js')).trafficHelp, run: async (a) => (await import('./cli/traffic.js')).traffic(a) },
  export: { help: async () => (await import('./cli/export.js')).exportHelp, run: async (a) => (await import('./cli/export.js')).exportCommand(a) },
  import: { help: async () => (await import('./cli/import.js')).importHelp, run: async (a) => (await import('./cli/import.js')).importCommand(a) },
  policies: { help: async () => (await import('./cli/policies.js')).policiesHelp, run: async (a) => (await import('./cli/policies.js')).listPolicies(a) },
  ui: { help: async () => (await import('./cli/ui.js')).uiHelp, run: async (a) => (await import('./cli/ui.js')).ui(a) },
};

const usage = `Portico: design, mock, gateway and inspect HTTP APIs from their OpenAPI description.

Usage: portico <command> [options]

Commands:
  serve <spec>        start the gateway (mock and/or proxy) on an OpenAPI document
  lint <spec>         lint a design: Spectral's oas rules plus the x-portico checks
  consumers <action>  add, list, remove or rotate the consumers allowed by API keys
  traffic             print the latest exchanges from the traffic log
  policies            list the policy catalog
  export <spec>       write the design as Kong, nginx, Zuplo or KrakenD configuration, with a report
  import kong <file>  turn a Kong declarative (decK) file into a design with x-portico
  ui [folder]         open a workspace in the browser: editor, docs and its gateway

Options:
  -h, --help          help for portico or a command (portico serve --help)
  -v, --version       print the version

Exit codes: 0 ok, 1 runtime failure or lint errors, 2 bad input (arguments or design), 3 export --strict: not expressible.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    process.stdout.write((topic && commands[topic] ? await commands[topic].help() : usage) + '\n');
    return 0;
  }
  if (name === '-v' || name === '--version') {
    process.stdout.write(`${readVersion()}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`portico: unknown command "${name}"\n\n${usage}\n`);
    return EXIT_BAD_INPUT;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write((await command.help()) + '\n');
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    return reportError(error);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportError(error);
  },
);
