// The operator's kill switch (SSM parameter /btcbot/<env>/kill-switch in AWS)

export interface KillSwitch {
  /** True unless the switch reads exactly "off"; an unreadable or unknown value is on (fail closed) */
  isOn(): Promise<boolean>;
}
