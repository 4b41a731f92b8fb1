// An in-memory kill switch (local runs and tests): starts on, like the deployed parameter
import type { KillSwitch } from '../../ports/kill-switch';

export class MemoryKillSwitch implements KillSwitch {
  constructor(private on = true) {}

  set(on: boolean): void {
    this.on = on;
  }

  async isOn(): Promise<boolean> {
    return this.on;
  }
}
