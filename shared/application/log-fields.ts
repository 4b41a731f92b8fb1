// A logger that adds correlation fields (cycle_id, run_id, request id) to every line it writes (spec 9.4.26)
import type { LogFields, Logger } from '../ports/logger';

export const withFields = (log: Logger, fields: LogFields): Logger => ({
  debug: (message, extra) => log.debug(message, { ...fields, ...extra }),
  info: (message, extra) => log.info(message, { ...fields, ...extra }),
  warn: (message, extra) => log.warn(message, { ...fields, ...extra }),
  error: (message, extra) => log.error(message, { ...fields, ...extra }),
});
