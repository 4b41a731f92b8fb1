// A one-line progress bar on stderr, redrawn in place; only when stderr is a TTY (never in CI or pipes)
export interface ProgressBar {
  update(done: number): void;
  clear(): void;
}

export function progressBar(total: number, stream: NodeJS.WriteStream = process.stderr, width = 30): ProgressBar {
  if (!stream.isTTY) return { update: () => {}, clear: () => {} };
  return {
    update(done) {
      const filled = Math.round((done / total) * width);
      stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} cycles`);
    },
    clear() {
      stream.write(`\r${' '.repeat(width + 24)}\r`);
    },
  };
}
