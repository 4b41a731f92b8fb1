// The Logger port over Powertools for AWS Lambda: one JSON line per message, correlation fields inline
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { LogFields, Logger } from '../../ports/logger';

type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
const LEVELS: Record<string, Level> = {
  DEBUG: 'DEBUG',
  INFO: 'INFO',
  WARNING: 'WARN',
  ERROR: 'ERROR',
  CRITICAL: 'ERROR',
};

export class LambdaLogger implements Logger {
  readonly powertools: PowertoolsLogger;

  constructor(serviceName: string, logLevel: string) {
    this.powertools = new PowertoolsLogger({ serviceName, logLevel: LEVELS[logLevel] ?? 'INFO' });
  }

  debug(message: string, fields: LogFields = {}): void {
    this.powertools.debug(message, { ...fields });
  }
  info(message: string, fields: LogFields = {}): void {
    this.powertools.info(message, { ...fields });
  }
  warn(message: string, fields: LogFields = {}): void {
    this.powertools.warn(message, { ...fields });
  }
  error(message: string, fields: LogFields = {}): void {
    this.powertools.error(message, { ...fields });
  }
}
