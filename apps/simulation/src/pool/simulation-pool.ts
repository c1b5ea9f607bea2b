import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { TwinlogError } from '@twinlog/domain';
import type { SimulationProgress, SimulationResult } from '@twinlog/physics';
import type { SimulationConfig } from '../config/simulation.config';
import { SIMULATION_CONFIG } from '../tokens';
import { rebuiltError } from './carried-error';
import { startWorker, type Pending, type Thread } from './pool-thread';
import type { FromWorker, RunTask } from './worker-messages';

/**
 * A fixed set of worker threads that compute runs, so the request thread (and, in the
 * all-in-one process, every other service on it) never waits on a simulation (ADR 0012). Runs
 * wait in order for a free thread; admission (how many may wait) is SimulationJobs' business.
 * A cancelled run, or one past its deadline, has its thread terminated at once and replaced:
 * a run never has to cooperate to be stopped.
 */
@Injectable()
export class SimulationPool implements OnModuleDestroy {
  private readonly logger = new Logger('SimulationPool');
  private readonly threads: Thread[] = [];
  private readonly queue: Pending[] = [];
  private closed = false;

  constructor(@Inject(SIMULATION_CONFIG) private readonly config: SimulationConfig) {
    for (let i = 0; i < config.pool.workers; i++) this.threads.push(this.spawn());
  }

  /** Computes one run on a worker; rejects with `signal.reason` when aborted meanwhile. */
  run(
    task: RunTask,
    onProgress: (progress: SimulationProgress) => void,
    signal: AbortSignal,
  ): Promise<SimulationResult> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('the simulation pool is closed'));
      if (signal.aborted) return reject(signal.reason);
      const pending: Pending = {
        task,
        onProgress,
        resolve,
        reject,
        signal,
        onAbort: () => this.abort(pending),
      };
      signal.addEventListener('abort', pending.onAbort, { once: true });
      this.queue.push(pending);
      this.dispatch();
    });
  }

  /** Runs computing now, and waiting for a thread. */
  load(): { computing: number; waiting: number; threads: number } {
    return {
      computing: this.threads.filter((t) => t.current !== null).length,
      waiting: this.queue.length,
      threads: this.threads.length,
    };
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) this.settle(pending, new Error('shutting down'));
    await Promise.all(
      this.threads.map((thread) => {
        if (thread.current) this.settle(thread.current, new Error('shutting down'));
        thread.worker.removeAllListeners();
        return thread.worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    for (const thread of this.threads) {
      if (!thread.ready || thread.current) continue;
      const next = this.queue.shift();
      if (!next) return;
      thread.current = next;
      thread.deadline = setTimeout(() => this.pastDeadline(thread), this.config.pool.deadlineMs);
      thread.worker.postMessage(next.task);
    }
  }

  private receive(thread: Thread, message: FromWorker): void {
    switch (message.kind) {
      case 'ready':
        thread.ready = true;
        this.dispatch();
        return;
      case 'progress':
        thread.current?.onProgress(message.progress);
        return;
      case 'done':
      case 'failed': {
        const pending = thread.current;
        clearTimeout(thread.deadline);
        thread.current = null;
        if (pending) {
          if (message.kind === 'done') {
            pending.signal.removeEventListener('abort', pending.onAbort);
            pending.resolve(message.result);
          } else {
            this.settle(pending, rebuiltError(message.error));
          }
        }
        this.dispatch();
        return;
      }
      default: {
        const unknown: never = message;
        return unknown;
      }
    }
  }

  private abort(pending: Pending): void {
    const waiting = this.queue.indexOf(pending);
    if (waiting >= 0) this.queue.splice(waiting, 1);
    const thread = this.threads.find((t) => t.current === pending);
    if (thread) this.replace(thread);
    pending.reject(pending.signal.reason);
  }

  private pastDeadline(thread: Thread): void {
    const pending = thread.current;
    if (!pending) return;
    const seconds = this.config.pool.deadlineMs / 1000;
    this.replace(thread);
    this.settle(
      pending,
      new TwinlogError(
        'SIMULATION_TOO_COSTLY',
        `The run was still computing after ${seconds} s, the deadline of this service: shorten the horizon or take fewer samples`,
        { deadlineSeconds: seconds },
      ),
    );
  }

  /** Stops a thread's run at once (terminating the thread) and starts a fresh thread. */
  private replace(thread: Thread): void {
    clearTimeout(thread.deadline);
    thread.current = null;
    thread.worker.removeAllListeners();
    thread.worker.terminate().catch(() => undefined);
    const at = this.threads.indexOf(thread);
    if (at >= 0 && !this.closed) this.threads[at] = this.spawn();
  }

  private settle(pending: Pending, error: unknown): void {
    pending.signal.removeEventListener('abort', pending.onAbort);
    pending.reject(error);
  }

  private spawn(): Thread {
    const thread: Thread = {
      worker: startWorker(),
      ready: false,
      current: null,
      deadline: undefined,
    };
    thread.worker.on('message', (message: FromWorker) => this.receive(thread, message));
    const lost = (why: string) => {
      this.logger.error(`A simulation worker stopped: ${why}`);
      const pending = thread.current;
      this.replace(thread);
      if (pending) this.settle(pending, new Error(`the simulation worker stopped: ${why}`));
      this.dispatch();
    };
    thread.worker.on('error', (error: Error) => lost(error.stack ?? error.message));
    thread.worker.on('exit', (code: number) => lost(`exit code ${code}`));
    return thread;
  }
}
