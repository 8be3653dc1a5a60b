/**
 * Child process for the durability tests: opens the traffic log at argv[2] and appends exchanges
 * as fast as the event loop allows (a chunk per turn, so the batch timer can fire), reporting on
 * stdout, one line each, written with writeSync (process.stdout is asynchronous on POSIX pipes)
 * so that a line is in the pipe before the next statement runs and survives a SIGKILL after it:
 *   ready
 *   appended <total appended>                            after every chunk
 *   committed <total committed> <last id> <batch size>   after every commit
 *   closed <appended> <committed>                        after SIGTERM → close()
 */
import { writeSync } from 'node:fs';
import { openTrafficLog } from '../writer.js';
import { sampleExchange } from './sample-exchange.js';

const file = process.argv[2];
if (!file) throw new Error('usage: append-loop.ts <db file> [batchMs] [chunk]');
const batchMs = Number(process.argv[3] ?? 10);
const chunk = Number(process.argv[4] ?? 50);

function say(line: string): void {
  for (;;) {
    try {
      writeSync(1, line);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error; // a full non-blocking pipe
    }
  }
}

let committed = 0;
const log = openTrafficLog(file, {
  batchMs,
  onCommitted(ids) {
    committed += ids.length;
    say(`committed ${committed} ${ids.at(-1)} ${ids.length}\n`);
  },
});

process.on('SIGTERM', () => {
  log.close();
  const { appended, committed: total } = log.stats();
  say(`closed ${appended} ${total}\n`);
  process.exit(0);
});

let i = 0;
function loop(): void {
  for (let n = 0; n < chunk; n++) log.append(sampleExchange(i++));
  say(`appended ${i}\n`);
  setImmediate(loop);
}
say('ready\n');
loop();
