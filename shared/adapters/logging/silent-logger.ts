// A logger that drops every line: for in-process runs that report through their own output (a backtest, the
// local runner's reconcile warm-up, benchmarks), where the cycle's log lines would only be noise
import type { Logger } from '../../ports/logger';

export const SILENT_LOGGER: Logger = { debug() {}, info() {}, warn() {}, error() {} };
