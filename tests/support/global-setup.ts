// Vitest global setup: starts moto_server once per run and locates cfn-lint. Under CI=true a missing tool
// fails the run with install instructions; elsewhere its suites are skipped and one loud line says so.
// Every project runs this setup in the same process, so the server is shared through globalThis.
import type { TestProject } from 'vitest/node';
import { findTool } from '../../local/aws/find-tool';
import { type RunningMoto, startMoto } from '../../local/aws/moto-server';
import { CFN_LINT, type ExternalTool, MOTO_SERVER } from './tools';

declare module 'vitest' {
  export interface ProvidedContext {
    /** moto_server endpoint, or null when moto_server is not installed (suites skip, never under CI) */
    motoEndpoint: string | null;
    /** cfn-lint path, or null when it is not installed (suites skip, never under CI) */
    cfnLintPath: string | null;
  }
}

interface SharedTools {
  moto: Promise<RunningMoto | null>;
  cfnLintPath: string | null;
  users: number;
}

const KEY = Symbol.for('btcbot.test-tools');
const isCi = () => /^(1|true|yes)$/i.test(process.env.CI ?? '');

function locateTools(): SharedTools {
  const missing: ExternalTool[] = [];
  const motoPath = findTool(MOTO_SERVER.command);
  const cfnLintPath = findTool(CFN_LINT.command);
  if (!motoPath) missing.push(MOTO_SERVER);
  if (!cfnLintPath) missing.push(CFN_LINT);
  if (missing.length > 0) {
    const names = missing.map((t) => `${t.command} (${t.suites}; install: ${t.install})`).join(', ');
    if (isCi()) throw new Error(`CI=true and required tools are missing: ${names}`);
    console.error(`\n!!! SKIPPING SUITES: missing ${names} !!!\n`);
  }
  return { moto: motoPath ? startMoto(motoPath) : Promise.resolve(null), cfnLintPath, users: 0 };
}

export default async function setup(project: TestProject) {
  const registry = globalThis as { [KEY]?: SharedTools };
  registry[KEY] ??= locateTools();
  const shared = registry[KEY];
  shared.users += 1;
  const moto = await shared.moto;
  project.provide('motoEndpoint', moto?.endpoint ?? null);
  project.provide('cfnLintPath', shared.cfnLintPath);
  return async () => {
    shared.users -= 1;
    if (shared.users === 0) {
      delete registry[KEY];
      await moto?.stop();
    }
  };
}
