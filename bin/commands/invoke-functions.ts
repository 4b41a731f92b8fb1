// The functions `btcbot invoke` runs: its name for each and the CDK logical id it also accepts. Apart from
// invoke-command.ts so the CLI can offer them as choices without loading any handler.
export const INVOKE_FUNCTIONS = {
  'stage3-cycle': 'Stage3CycleFunction',
  'stage4-cycle': 'Stage4CycleFunction',
  'stage7-cycle': 'Stage7CycleFunction',
  reconcile: 'ReconcileFunction',
} as const;
export type InvokeFunctionName = keyof typeof INVOKE_FUNCTIONS;

export const INVOKE_FUNCTION_NAMES: readonly string[] = Object.entries(INVOKE_FUNCTIONS).flat();
