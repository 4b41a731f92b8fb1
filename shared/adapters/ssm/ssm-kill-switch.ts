// The kill switch as an SSM parameter: exactly "off" allows trading; "on", anything else (even " OFF "), a missing
// parameter or a failed read means on (fail closed). A reading is reused for at most `cacheMs`.
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { killSwitchReadsOn } from '../../domain/arming';
import type { Clock } from '../../ports/clock';
import type { KillSwitch } from '../../ports/kill-switch';

export class SsmKillSwitch implements KillSwitch {
  #cached: { on: boolean; atMs: number } | undefined;

  constructor(
    private readonly ssm: SSMClient,
    private readonly parameterName: string,
    private readonly clock: Clock,
    private readonly cacheMs = 10_000,
  ) {}

  async isOn(): Promise<boolean> {
    const now = this.clock.nowMs();
    if (this.#cached && now - this.#cached.atMs < this.cacheMs) return this.#cached.on;
    let on = true;
    try {
      const out = await this.ssm.send(new GetParameterCommand({ Name: this.parameterName }));
      on = killSwitchReadsOn(out.Parameter?.Value);
    } catch {
      on = true;
    }
    this.#cached = { on, atMs: now };
    return on;
  }
}

/** Sets the switch (operator CLI); only "on" and "off" are ever written */
export const killSwitchValue = (on: boolean): 'on' | 'off' => (on ? 'on' : 'off');
