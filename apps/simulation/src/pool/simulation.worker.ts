// A simulation worker thread (ADR 0012): runs one what-if at a time, off the request thread.
import { parentPort } from 'node:worker_threads';
import { runSimulation } from '@twinlog/physics';
import { carriedError } from './carried-error';
import type { FromWorker, RunTask } from './worker-messages';

/** Progress goes to the service at most this often (the run itself never waits on it). */
const PROGRESS_EVERY_MS = 50;

const port = parentPort!;
const post = (message: FromWorker) => port.postMessage(message);

port.on('message', (task: RunTask) => {
  try {
    const steps = runSimulation(task.subject, task.scenario, task.options);
    let posted = 0;
    for (;;) {
      const step = steps.next();
      if (step.done) {
        post({ kind: 'done', result: step.value });
        return;
      }
      const now = performance.now();
      if (now - posted >= PROGRESS_EVERY_MS) {
        post({ kind: 'progress', progress: step.value });
        posted = now;
      }
    }
  } catch (error) {
    post({ kind: 'failed', error: carriedError(error) });
  }
});
post({ kind: 'ready' });
