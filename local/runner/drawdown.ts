// Drawdown series of an equity series, in percent below the running peak (decimal arithmetic)
import { type Dec, dec, toPlain } from '../../shared/domain/money';

export function drawdownPercent(equity: readonly string[]): string[] {
  let peak: Dec | undefined;
  return equity.map((e) => {
    const v = dec(e);
    peak = peak === undefined || v.gt(peak) ? v : peak;
    return peak.isZero() ? '0' : toPlain(v.sub(peak).div(peak).mul(100).toDecimalPlaces(4));
  });
}
