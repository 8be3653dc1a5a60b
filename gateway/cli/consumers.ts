import { resolve } from 'node:path';
import { parseCommandArgs } from './args.js';
import { EXIT_OK, UsageError } from './errors.js';
import { ConsumerError, openConsumerStore } from '../consumers/store.js';

export const consumersHelp = `portico consumers add <name> [--key KEY] [--data DIR]
portico consumers list [--data DIR] [--json]
portico consumers remove <name> [--data DIR]
portico consumers rotate <name> [--data DIR]

Manages the consumers of the workspace whose data folder is DIR (default ./.portico, which is where
'portico serve' keeps it when run beside the spec). Keys are stored hashed; a generated key is printed once.`;

export async function consumers(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseCommandArgs(rest, { key: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' } }, 1);
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
      default:
        throw new UsageError(action ? `unknown consumers action "${action}" (add, list, remove, rotate)` : 'consumers needs an action: add, list, remove, rotate');
    }
  } catch (error) {
    // Duplicate or unknown names and malformed keys are the user's input to fix: exit code 2.
    if (error instanceof ConsumerError) throw new UsageError(error.message);
    throw error;
  } finally {
    store.close();
  }
}
