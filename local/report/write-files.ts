// Writes a report's files all or nothing: each goes to `<path>.partial` first, and only when every one is
// written are they renamed into place, so a failure leaves no half-written file and no partial behind.
import { renameSync, rmSync, writeFileSync } from 'node:fs';

export function writeFilesAtomically(files: readonly { readonly path: string; readonly text: string }[]): void {
  const staged = files.map((f) => ({ ...f, partial: `${f.path}.partial` }));
  try {
    for (const f of staged) writeFileSync(f.partial, f.text, 'utf8');
  } catch (e) {
    for (const f of staged) rmSync(f.partial, { force: true });
    throw e;
  }
  for (const f of staged) renameSync(f.partial, f.path);
}
