// The operator's kill switch (the SSM parameter) as a cycle's metrics see it: the gauge holds what the cycle
// read last (stage 4 reads it again before each write), and on when the read failed, because every cycle
// treats an unreadable switch as on. The KILL_SWITCH setting is left out: it is a deployment's arming gate,
// on by default in every dry-run deployment, where a gauge stuck at 1 would page for nothing.
import type { KillSwitch } from '../../ports/kill-switch';
import type { MetricsRecorder } from '../../ports/metrics';

export const meteredKillSwitch = (inner: KillSwitch, metrics: MetricsRecorder): KillSwitch => ({
  isOn: async () => {
    let on = true;
    try {
      on = await inner.isOn();
      return on;
    } finally {
      metrics.add('killSwitchEnabled', on ? 1 : 0);
    }
  },
});
