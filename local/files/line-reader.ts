// Reads a text file line by line, synchronously and in fixed-size chunks, so a file far larger than memory is
// read with flat memory and no promise per line (the backtest reads a dataset this way on its hot path).
// Lines end with \n or \r\n; the last line may lack one. Each line comes with its 1-based number.
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const CHUNK = 1 << 16;

export interface NumberedLine {
  readonly text: string;
  readonly line: number;
}

export function* readLinesSync(path: string): Generator<NumberedLine, void, undefined> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    // a character split between two chunks is held back until its last byte is read
    const decoder = new StringDecoder('utf8');
    let carry = '';
    let line = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      const text = carry + decoder.write(buffer.subarray(0, n));
      let start = 0;
      for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
        line += 1;
        yield { text: text.slice(start, end > start && text[end - 1] === '\r' ? end - 1 : end), line };
        start = end + 1;
      }
      carry = text.slice(start);
    }
    carry += decoder.end();
    if (carry.length > 0) yield { text: carry.endsWith('\r') ? carry.slice(0, -1) : carry, line: line + 1 };
  } finally {
    closeSync(fd);
  }
}
