// Enforces the layering of ARCHITECTURE.md section 3 by reading the source: shared/domain is pure (no I/O,
// SDK, environment or clock), imports point inward, and only composition roots construct adapters.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  const abs = join(ROOT, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(abs, name);
    if (statSync(path).isDirectory()) return sourceFiles(relative(ROOT, path));
    return name.endsWith('.ts') ? [relative(ROOT, path)] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? '');
}

/** Resolves a relative specifier to a project path such as shared/domain/money */
const resolveSpecifier = (file: string, spec: string) =>
  spec.startsWith('.') ? relative(ROOT, join(ROOT, file, '..', spec)) : spec;

function violations(files: string[], allowed: (target: string) => boolean): string[] {
  return files.flatMap((f) =>
    importsOf(f)
      .map((spec) => resolveSpecifier(f, spec))
      .filter((target) => !allowed(target))
      .map((target) => `${f} imports ${target}`),
  );
}

describe('shared/domain is pure', () => {
  const files = sourceFiles('shared/domain');

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it('imports only domain modules, decimal.js and @noble/hashes', () => {
    const ok = (t: string) => t.startsWith('shared/domain/') || t === 'decimal.js' || t.startsWith('@noble/hashes/');
    expect(violations(files, ok)).toEqual([]);
  });

  it('reads no environment, clock or randomness', () => {
    const banned =
      /process\.env|Date\.now\(|new Date\(\)|performance\.now|Math\.random|setTimeout|setInterval|require\(/;
    const hits = files.filter((f) => banned.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(hits).toEqual([]);
  });
});

describe('imports point inward', () => {
  it('shared/ports import only domain and ports', () => {
    const ok = (t: string) => t.startsWith('shared/domain/') || t.startsWith('shared/ports/');
    expect(violations(sourceFiles('shared/ports'), ok)).toEqual([]);
  });

  it('shared/ports declare interfaces and types only (behaviour lives in domain or adapters)', () => {
    const code = /^export (async )?function |^export const |^export class /m;
    expect(sourceFiles('shared/ports').filter((f) => code.test(readFileSync(join(ROOT, f), 'utf8')))).toEqual([]);
  });

  it('shared/application imports no adapter, SDK, HTTP client or config loader (zod is allowed: stored documents are inputs)', () => {
    const ok = (t: string) =>
      t.startsWith('shared/domain/') ||
      t.startsWith('shared/ports/') ||
      t.startsWith('shared/application/') ||
      t === 'decimal.js' ||
      t === 'zod';
    expect(violations(sourceFiles('shared/application'), ok)).toEqual([]);
  });

  it('only composition roots, local tooling and the CLI import adapters', () => {
    const consumers = [
      ...sourceFiles('functions'),
      ...sourceFiles('shared/application'),
      ...sourceFiles('shared/ports'),
    ].filter((f) => !f.endsWith('/compose.ts'));
    const ok = (t: string) => !t.startsWith('shared/adapters/');
    expect(violations(consumers, ok)).toEqual([]);
  });

  it('shared/ never reads process.env (configuration arrives through compose)', () => {
    const hits = sourceFiles('shared').filter((f) => /process\.env/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(hits).toEqual([]);
  });
});
