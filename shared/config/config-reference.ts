// Renders the configuration reference table (README "Configuration") from the knob table itself,
// so the documentation cannot drift from what the loader accepts.
import { KNOBS } from './knobs';

const cell = (s: string) => s.replaceAll('|', '\\|');

export function configReferenceMarkdown(): string {
  const rows = Object.entries(KNOBS).map(([name, k]) => {
    const names = [name, ...(k.aliases ?? [])].map((n) => `\`${n}\``).join(' \\| ');
    const def = k.secret ? '(secret)' : k.default === undefined ? 'unset' : `\`${cell(k.default)}\``;
    return `| ${names} | ${def} | ${k.unit ?? ''} | ${k.section} | ${cell(k.doc)} |`;
  });
  return ['| Variable | Default | Unit | Spec | Meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}
