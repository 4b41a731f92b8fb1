// The terminal progress bar of `btcbot local` and `btcbot backtest`: drawn only on a TTY, a note (the rate) after the
// count, a shorter redraw leaves nothing of the longer one behind, and clear blanks exactly what was drawn.
import { describe, expect, it } from 'vitest';
import { progressBar } from '../../../local/runner/progress-bar';

const terminal = (isTTY: boolean) => {
  const writes: string[] = [];
  const stream = { isTTY, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, writes };
};

describe('progressBar', () => {
  it('draws the count and the note, pads a shorter redraw, and clears what it drew', () => {
    const t = terminal(true);
    const bar = progressBar(4, t.stream, 4);
    bar.update(1, '1234 cycles/s');
    bar.update(2);
    bar.clear();
    expect(t.writes[0]).toBe('\r[#...] 1/4 cycles, 1234 cycles/s');
    expect(t.writes[1]).toBe(`\r${'[##..] 2/4 cycles'.padEnd((t.writes[0] ?? '').length - 1)}`);
    expect(t.writes[2]).toBe(`\r${' '.repeat('[##..] 2/4 cycles'.length)}\r`);
  });

  it('writes nothing when the stream is not a terminal', () => {
    const t = terminal(false);
    const bar = progressBar(4, t.stream);
    bar.update(1, 'x');
    bar.clear();
    expect(t.writes).toEqual([]);
  });
});
