// The environment a CLI command runs with: process variables over an optional `.env` in the working
// directory (local dry-run convenience, spec 1.1). There is deliberately no flag to point at another file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import type { Env } from '../../shared/config/load-config';

export function commandEnvironment(cwd = process.cwd(), env: Env = process.env): Env {
  const file = join(cwd, '.env');
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...env };
}
