// A one-line progress bar on stderr, redrawn in place; only when stderr is a TTY (never in CI or pipes)
export interface ProgressBar {
  /** @param note after the count, e.g. a rate (`512 cycles/s`) */
  update(done: number, note?: string): void;
  clear(): void;
}

export function progressBar(total: number, stream: NodeJS.WriteStream = process.stderr, width = 30): ProgressBar {
  if (!stream.isTTY) return { update: () => {}, clear: () => {} };
  let drawn = 0;
  return {
    update(done, note) {
      const filled = Math.round((done / total) * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} cycles${note ? `, ${note}` : ''}`;
      // a shorter line than the last one leaves none of the last one's tail behind
      stream.write(`\r${line.padEnd(drawn)}`);
      drawn = line.length;
    },
    clear() {
      stream.write(`\r${' '.repeat(drawn)}\r`);
      drawn = 0;
    },
  };
}
