// What `btcbot kill-switch` can do: apart from kill-switch-command.ts so the CLI offers them as choices without
// loading the SDK
export const KILL_SWITCH_ACTIONS = ['on', 'off', 'status', 'clear-stored'] as const;
export type KillSwitchAction = (typeof KILL_SWITCH_ACTIONS)[number];
