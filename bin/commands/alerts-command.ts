// `btcbot alerts --run <dir> [--last 50]`: the most recent cycles of a stage 7 run folder that raised any
// alert flag (spec 4.14: drawdown_breach, reject_spike, missing_data, throttled, retry_excess, retry_giveup),
// newest last, after a line counting them over the whole run. In a long backtest a window of the last 50
// cycles would usually hold none, so --last counts alerting cycles. Exit 0; 2 on bad input.

import { badInputLine } from '../../local/report/bad-input';
import { parseAlertsOptions, type RawAlertsOptions } from '../../local/report/cli-options';
import { lastRecords } from '../../local/report/last-records';
import { openRun } from '../../local/report/open-run';
import { dec } from '../../shared/domain/money';
import { columns } from './columns';
import type { CommandIo } from './config-command';

export type { RawAlertsOptions } from '../../local/report/cli-options';

export const ALERTS_LAST_DEFAULT = 50;

export function alertsCommand(raw: RawAlertsOptions, io: CommandIo): number {
  try {
    const options = parseAlertsOptions(raw);
    const { records, kept, total } = lastRecords(
      openRun(options.run),
      options.last ?? ALERTS_LAST_DEFAULT,
      (r) => r.alertFlags.length > 0,
    );
    io.out(`alerts: ${kept} of ${total} cycles raised an alert flag${kept > 0 ? `; the last ${records.length}:` : ''}`);
    if (records.length === 0) return 0;
    const rows = records.map((r) => [
      r.ts,
      r.cycleId,
      r.finalMode,
      r.alertFlags.join(','),
      r.qualityFlags.join(',') || '-',
      dec(r.maxDrawdownRatio).toFixed(4),
      String(r.rejected),
    ]);
    for (const line of columns([
      ['ts', 'cycle_id', 'mode', 'alert_flags', 'quality_flags', 'max_dd', 'rejects'],
      ...rows,
    ])) {
      io.out(`  ${line}`);
    }
    return 0;
  } catch (e) {
    const line = badInputLine('alerts', e);
    if (line === undefined) throw e;
    io.err(line);
    return 2;
  }
}
