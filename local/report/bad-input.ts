// What the run-folder commands (report, export, alerts) treat as bad input, printed as one line with exit
// code 2: a bad option, a folder that holds no whole run, a malformed run.json or cycles.jsonl line (named with
// its file and line), a configuration error, or a file the system refused to read or write.
import { ConfigError, RunFolderError, ValidationError } from '../../shared/domain/errors';

const isSystemError = (e: unknown): e is NodeJS.ErrnoException =>
  e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && 'syscall' in e;

/** The one line to print, or undefined when `e` is not bad input (a bug: let it throw) */
export function badInputLine(command: string, e: unknown): string | undefined {
  if (e instanceof RunFolderError || e instanceof ValidationError || e instanceof ConfigError || isSystemError(e)) {
    return `${command}: ${e.message.split('\n')[0]}`;
  }
  return undefined;
}
