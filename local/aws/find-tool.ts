// Locates an external command on PATH (moto_server for `btcbot local --aws moto` and the emulator suites).
import { execFileSync } from 'node:child_process';

/** Absolute path of the command on PATH, or null */
export function findTool(command: string): string | null {
  try {
    const out = execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
    return out.length > 0 ? out : null;
  } catch {
    return null;
  }
}
