// One line for an error in a command's output: its class name and the first line of its message.
export const errorLine = (e: unknown): string =>
  e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : (String(e).split('\n')[0] ?? '');
