// Whether a command can write its output folder, checked before it starts any work so that a typo or a path
// it cannot write fails at once with one line, not after the whole run. Nothing is written or created here.
import { accessSync, constants, type Stats, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** @returns why `dir` cannot be used (or created) as a writable folder, or undefined when it can */
export function outputFolderProblem(dir: string): string | undefined {
  const target = resolve(dir);
  // the folder itself, else the nearest existing folder it would be created in
  for (let path = target; ; path = dirname(path)) {
    let stat: Stats;
    try {
      stat = statSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTDIR: a file stands on the way; the walk up finds and names it
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(path) !== path) continue;
      return `cannot inspect ${path} (${code})`;
    }
    if (!stat.isDirectory()) return path === target ? `${path} is a file, not a folder` : `${path} is a file`;
    try {
      accessSync(path, constants.W_OK | constants.X_OK);
    } catch {
      return `${path} is not writable`;
    }
    return undefined;
  }
}
