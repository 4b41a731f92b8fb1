// Server-time offset (FUNCTIONAL_SPEC 5.2): offset = server ms - local ms at the midpoint of the time
// request, refreshed once per interval. Two uses: signing stamps take the offset clamped to +-maxOffsetMs;
// lookup windows (allOrders, user trades) take the RAW offset with its uncertainty (half the round trip),
// because the venue filters them on its own clock whatever our stamps do. A failed refresh keeps the
// previous measurement (the signed call then reports the real problem) and is visible in snapshot().
import type { Clock } from '../../ports/clock';

export interface ClockSyncOptions {
  readonly clock: Clock;
  readonly fetchServerTimeMs: () => Promise<number>;
  /** How often the offset is re-measured (BTCTURK_CLOCK_SYNC_INTERVAL_SECONDS, default 60 s) */
  readonly refreshIntervalMs: number;
  /** Stamp offsets beyond this are clamped (default 15 000 ms); the raw offset is kept as measured */
  readonly maxOffsetMs?: number;
}

/** One successful measurement: venue time ~ local time + offsetMs, within +-uncertaintyMs */
export interface OffsetMeasurement {
  /** Server ms - local ms, unclamped */
  readonly offsetMs: number;
  /** Half the round trip of the time request: the true offset lies within offsetMs +- this */
  readonly uncertaintyMs: number;
  /** Local time the answer arrived */
  readonly measuredAtMs: number;
}

export interface ClockSyncSnapshot {
  /** The offset signing stamps use: the raw offset clamped to +-maxOffsetMs (0 before any measurement) */
  readonly offsetMs: number;
  /** The raw measured offset; undefined until a measurement succeeded */
  readonly rawOffsetMs: number | undefined;
  readonly uncertaintyMs: number | undefined;
  readonly measuredAtMs: number | undefined;
  readonly lastAttemptAtMs: number | undefined;
  readonly lastError: string | undefined;
}

export class ClockSync {
  readonly #options: ClockSyncOptions;
  #measurement: OffsetMeasurement | undefined;
  #lastAttemptAtMs: number | undefined;
  #lastError: string | undefined;
  #inflight: Promise<void> | undefined;

  constructor(options: ClockSyncOptions) {
    this.#options = options;
  }

  /** Server-adjusted now for stamps (clamped offset), refreshing the offset first when it is due */
  async serverNowMs(): Promise<number> {
    await this.#refreshIf(this.#due());
    return this.#options.clock.nowMs() + this.#stampOffsetMs();
  }

  /**
   * The raw offset for placing lookup windows in venue time. Measures first when a refresh is due or no
   * measurement ever succeeded (even inside the refresh interval); undefined when none ever succeeded.
   */
  async measurement(): Promise<OffsetMeasurement | undefined> {
    await this.#refreshIf(this.#due() || this.#measurement === undefined);
    return this.#measurement;
  }

  /** Forces a re-measurement before the next stamp (the venue said our stamp was outside its window) */
  invalidate(): void {
    this.#lastAttemptAtMs = undefined;
  }

  snapshot(): ClockSyncSnapshot {
    return {
      offsetMs: this.#stampOffsetMs(),
      rawOffsetMs: this.#measurement?.offsetMs,
      uncertaintyMs: this.#measurement?.uncertaintyMs,
      measuredAtMs: this.#measurement?.measuredAtMs,
      lastAttemptAtMs: this.#lastAttemptAtMs,
      lastError: this.#lastError,
    };
  }

  #due(): boolean {
    const { clock, refreshIntervalMs } = this.#options;
    return this.#lastAttemptAtMs === undefined || clock.nowMs() - this.#lastAttemptAtMs >= refreshIntervalMs;
  }

  #stampOffsetMs(): number {
    const max = this.#options.maxOffsetMs ?? 15_000;
    return Math.max(-max, Math.min(max, this.#measurement?.offsetMs ?? 0));
  }

  async #refreshIf(wanted: boolean): Promise<void> {
    if (!wanted) return;
    this.#inflight ??= this.#refresh().finally(() => {
      this.#inflight = undefined;
    });
    await this.#inflight;
  }

  async #refresh(): Promise<void> {
    const { clock, fetchServerTimeMs } = this.#options;
    const sentAt = clock.nowMs();
    this.#lastAttemptAtMs = sentAt;
    try {
      const serverMs = await fetchServerTimeMs();
      const receivedAt = clock.nowMs();
      const roundTripMs = Math.max(0, receivedAt - sentAt);
      this.#measurement = {
        offsetMs: serverMs - Math.round((sentAt + receivedAt) / 2),
        uncertaintyMs: Math.ceil(roundTripMs / 2),
        measuredAtMs: receivedAt,
      };
      this.#lastError = undefined;
    } catch (e) {
      this.#lastError = e instanceof Error ? e.message : String(e);
    }
  }
}
