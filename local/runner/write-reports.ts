// Writes summary.json, report.md and report.html into the output directory; returns their paths
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reportHtml } from './report-html';
import { reportMarkdown } from './report-md';
import type { LocalRunSummary } from './summary';

export async function writeReports(dir: string, summary: LocalRunSummary): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    ['summary.json', `${JSON.stringify(summary, null, 2)}\n`],
    ['report.md', reportMarkdown(summary)],
    ['report.html', reportHtml(summary)],
  ];
  for (const [name, text] of files) await writeFile(join(dir, name), text, 'utf8');
  return files.map(([name]) => join(dir, name));
}
