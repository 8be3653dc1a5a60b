/**
 * Child process for the durability tests: opens the traffic log at argv[2] and appends exchanges
 * as fast as the event loop allows (a chunk per turn, so the batch timer can fire), reporting on
 * stdout, one line each, written with writeSync (process.stdout is asynchronous on POSIX pipes)
 * so that a line is in the pipe before the next statement runs and survives a SIGKILL after it:
 *   ready
 *   appended <total appended>                            after every chunk
 *   committed <total committed> <last id> <batch size>   after every commit
 *   spooled <total spooled>                              (spooled log) after every chunk that saw the spool grow
 *   closed <appended> <committed>                        after SIGTERM → close()
 * argv: <db file> [batchMs] [chunk] [direct|spooled]: the main-thread writer (writer.ts) or the gateway's log (spooled-log.ts).
 */
import { writeSync } from 'node:fs';
import { openSpooledTrafficLog } from '../spooled-log.js';
import { openTrafficLog } from '../writer.js';
import { sampleExchange } from './sample-exchange.js';

const file = process.argv[2];
if (!file) throw new Error('usage: append-loop.ts <db file> [batchMs] [chunk] [direct|spooled]');
const batchMs = Number(process.argv[3] ?? 10);
const chunk = Number(process.argv[4] ?? 50);
const kind = process.argv[5] ?? 'direct';

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
const onCommitted = (ids: number[]) => {
  committed += ids.length;
  say(`committed ${committed} ${ids.at(-1)} ${ids.length}\n`);
};

interface Log {
  append: ReturnType<typeof openTrafficLog>['append'];
  close(): void | Promise<void>;
  stats(): { appended: number; committed: number; spooled?: number };
}
const log: Log = kind === 'spooled' ? await openSpooledTrafficLog(file, { batchMs, onCommitted }) : openTrafficLog(file, { batchMs, onCommitted });

let stopping = false;
process.on('SIGTERM', async () => {
  stopping = true; // the spooled log closes asynchronously: stop appending meanwhile
  await log.close();
  const { appended, spooled, committed: total } = log.stats();
  // The spooled log's close may leave a backlog for the next open: what is safe is what was spooled.
  say(`closed ${appended} ${spooled ?? total}\n`);
  process.exit(0);
});

let i = 0;
let spooled = 0;
function loop(): void {
  if (stopping) return;
  for (let n = 0; n < chunk; n++) log.append(sampleExchange(i++));
  say(`appended ${i}\n`);
  const now = log.stats().spooled;
  if (now !== undefined && now !== spooled) say(`spooled ${(spooled = now)}\n`);
  setImmediate(loop);
}
say('ready\n');
loop();
