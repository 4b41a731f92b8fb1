// The logger handed to the handlers in a local run: keeps the console quiet (the per-cycle line is the
// output) and counts warnings and errors for the summary.
import type { LogFields, Logger } from '../../shared/ports/logger';

export class CountingLogger implements Logger {
  warnings = 0;
  errors = 0;
  readonly lastErrors: string[] = [];

  debug(_message: string, _fields?: LogFields): void {}
  info(_message: string, _fields?: LogFields): void {}
  warn(_message: string, _fields?: LogFields): void {
    this.warnings += 1;
  }
  error(message: string, fields: LogFields = {}): void {
    this.errors += 1;
    if (this.lastErrors.length < 10) this.lastErrors.push(`${message} ${JSON.stringify(fields)}`);
  }
}
