// Time as a dependency: production reads the system clock, tests and the local runner control it.

export interface Clock {
  /** Milliseconds since the epoch, UTC */
  nowMs(): number;
  /** Resolves after `ms` of this clock's time (simulated clocks advance instead of waiting) */
  sleep(ms: number): Promise<void>;
}
