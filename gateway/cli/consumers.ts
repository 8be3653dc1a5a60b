import { resolve } from 'node:path';
import { parseCommandArgs } from './args.js';
import { EXIT_OK, UsageError } from './errors.js';
import { ConsumerError, openConsumerStore } from '../consumers/store.js';

export const consumersHelp = `portico consumers add <name> [--key KEY] [--data DIR]
portico consumers list [--data DIR] [--json]
portico consumers remove <name> [--data DIR]
portico consumers rotate <name> [--data DIR]
portico consumers password <name> [--clear] [--data DIR]   # reads the password from standard input (basic-auth)

Manages the consumers of the workspace whose data folder is DIR (default ./.portico, which is where
'portico serve' keeps it when run beside the spec). Keys are stored hashed; a generated key is printed once.
Passwords (for basic-auth; the user name is the consumer's name) are read from standard input, never from the
command line, and stored as salted scrypt hashes.`;

export async function consumers(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseCommandArgs(rest, { key: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' }, clear: { type: 'boolean' } }, 1);
  const store = openConsumerStore(resolve(values.data ?? '.portico'));
  try {
    const name = positionals[0];
    const needName = () => {
      if (!name) throw new UsageError(`consumers ${action} needs a consumer name`);
      return name;
    };
    switch (action) {
      case 'add': {
        const added = store.add(needName(), values.key);
        process.stdout.write(values.key === undefined ? `Added ${added.name}. API key (shown once, store it now):\n${added.key}\n` : `Added ${added.name}.\n`);
        return EXIT_OK;
      }
      case 'list': {
        const list = store.list();
        if (values.json) process.stdout.write(JSON.stringify(list, null, 2) + '\n');
        else if (list.length === 0) process.stdout.write('No consumers.\n');
        else for (const c of list) process.stdout.write(`${c.name}\tkey …${c.keyHint}\tadded ${c.createdAt}\n`);
        return EXIT_OK;
      }
      case 'remove':
        store.remove(needName());
        process.stdout.write(`Removed ${name}.\n`);
        return EXIT_OK;
      case 'rotate': {
        const rotated = store.rotate(needName());
        process.stdout.write(`New API key for ${rotated.name} (shown once; the old key no longer works):\n${rotated.key}\n`);
        return EXIT_OK;
      }
      case 'password': {
        const consumer = needName();
        if (values.clear) {
          store.setPassword(consumer, undefined);
          process.stdout.write(`Cleared the password of ${consumer}.\n`);
          return EXIT_OK;
        }
        store.setPassword(consumer, await readPassword());
        process.stdout.write(`Set the password of ${consumer}.\n`);
        return EXIT_OK;
      }
      default:
        throw new UsageError(action ? `unknown consumers action "${action}" (add, list, remove, rotate, password)` : 'consumers needs an action: add, list, remove, rotate, password');
    }
  } catch (error) {
    // Duplicate or unknown names and malformed keys are the user's input to fix: exit code 2.
    if (error instanceof ConsumerError) throw new UsageError(error.message);
    throw error;
  } finally {
    store.close();
  }
}

/** The first line of standard input: a password never goes on the command line (shell history, `ps`). */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (then Enter): ');
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new UsageError('consumers password reads the password from standard input; none was given');
  return line;
}
