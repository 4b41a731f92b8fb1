// The real clock: Date.now and setTimeout
import type { Clock } from '../../ports/clock';

export class SystemClock implements Clock {
  nowMs(): number {
    return Date.now();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  }
}
