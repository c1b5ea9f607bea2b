import type { LoggerService } from '@nestjs/common';
import { currentService } from './service-context';

export type LogFormat = 'json' | 'pretty';
type Level = 'error' | 'warn' | 'info' | 'debug';

const PRETTY_LEVEL: Record<Level, string> = {
  error: '\x1b[31mERROR\x1b[0m',
  warn: '\x1b[33mWARN \x1b[0m',
  info: '\x1b[32mINFO \x1b[0m',
  debug: '\x1b[90mDEBUG\x1b[0m',
};

const NEST_CHATTER = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'NestMicroservice',
]);

/**
 * Nest's logger, as one JSON object per line (for log shippers) or a readable line for a
 * person at a terminal. Every line names the service it came from, which matters when five
 * services share one process in the embedded mode.
 */
export class StructuredLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private readonly format: LogFormat,
    private readonly write: (line: string) => void,
    private readonly now: () => Date = () => new Date(),
    private readonly verbose_ = false,
  ) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    if (this.verbose_) this.emit('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    if (this.verbose_) this.emit('debug', message, rest);
  }

  private emit(level: Level, message: unknown, rest: unknown[]): void {
    // Nest passes (message, context) or, for errors, (message, stack, context).
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    // Nest's start-up chatter (every module and route mapped) drowns what matters.
    if (level === 'info' && !this.verbose_ && context && NEST_CHATTER.has(context)) return;
    const stack = typeof rest[0] === 'string' ? rest[0] : undefined;
    const text =
      message instanceof Error
        ? message.message
        : typeof message === 'string'
          ? message
          : JSON.stringify(message);
    const time = this.now();
    const service = currentService() ?? this.service;
    if (this.format === 'json') {
      this.write(
        JSON.stringify({
          time: time.toISOString(),
          level,
          service,
          ...(context ? { context } : {}),
          msg: text,
          ...(stack ? { stack } : {}),
        }),
      );
      return;
    }
    const clock = time.toISOString().slice(11, 19);
    const where = context ? ` ${context}` : '';
    this.write(
      `${clock} ${PRETTY_LEVEL[level]} ${service}${where}: ${text}${stack ? `\n${stack}` : ''}`,
    );
  }
}

/** The format a person gets by default: readable on a terminal, JSON when piped or collected. */
export function defaultLogFormat(isTerminal: boolean): LogFormat {
  return isTerminal ? 'pretty' : 'json';
}

/** A service's logger on stdout, in the configured format (`auto` decides by the terminal). */
export function serviceLogger(service: string, format: LogFormat | 'auto'): StructuredLogger {
  const resolved = format === 'auto' ? defaultLogFormat(process.stdout.isTTY === true) : format;
  return new StructuredLogger(service, resolved, (line) => process.stdout.write(`${line}\n`));
}
