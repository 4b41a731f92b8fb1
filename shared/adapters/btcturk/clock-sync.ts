// Server-time offset for signing stamps (FUNCTIONAL_SPEC 5.2): offset = server ms - local ms at the
// midpoint of the time request, clamped to +-maxOffsetMs, refreshed once per interval. A failed refresh
// keeps the previous offset (the signed call then reports the real problem) and is visible in snapshot().
import type { Clock } from '../../ports/clock';

export interface ClockSyncOptions {
  readonly clock: Clock;
  readonly fetchServerTimeMs: () => Promise<number>;
  /** How often the offset is re-measured (BTCTURK_CLOCK_SYNC_INTERVAL_SECONDS, default 60 s) */
  readonly refreshIntervalMs: number;
  /** Offsets beyond this are clamped (default 15 000 ms) */
  readonly maxOffsetMs?: number;
}

export interface ClockSyncSnapshot {
  readonly offsetMs: number;
  readonly lastAttemptAtMs: number | undefined;
  readonly lastError: string | undefined;
}

export class ClockSync {
  readonly #options: ClockSyncOptions;
  #offsetMs = 0;
  #lastAttemptAtMs: number | undefined;
  #lastError: string | undefined;
  #inflight: Promise<void> | undefined;

  constructor(options: ClockSyncOptions) {
    this.#options = options;
  }

  /** Server-adjusted now, refreshing the offset first when it is due */
  async serverNowMs(): Promise<number> {
    const { clock, refreshIntervalMs } = this.#options;
    const due = this.#lastAttemptAtMs === undefined || clock.nowMs() - this.#lastAttemptAtMs >= refreshIntervalMs;
    if (due) {
      this.#inflight ??= this.#refresh().finally(() => {
        this.#inflight = undefined;
      });
      await this.#inflight;
    }
    return clock.nowMs() + this.#offsetMs;
  }

  /** Forces a re-measurement before the next stamp (the venue said our stamp was outside its window) */
  invalidate(): void {
    this.#lastAttemptAtMs = undefined;
  }

  snapshot(): ClockSyncSnapshot {
    return { offsetMs: this.#offsetMs, lastAttemptAtMs: this.#lastAttemptAtMs, lastError: this.#lastError };
  }

  async #refresh(): Promise<void> {
    const { clock, fetchServerTimeMs, maxOffsetMs = 15_000 } = this.#options;
    const sentAt = clock.nowMs();
    this.#lastAttemptAtMs = sentAt;
    try {
      const serverMs = await fetchServerTimeMs();
      const midpoint = Math.round((sentAt + clock.nowMs()) / 2);
      this.#offsetMs = Math.max(-maxOffsetMs, Math.min(maxOffsetMs, serverMs - midpoint));
      this.#lastError = undefined;
    } catch (e) {
      this.#lastError = e instanceof Error ? e.message : String(e);
    }
  }
}
