// Finds the external tools the emulator suites need, and says how to install the missing ones.
import { execFileSync } from 'node:child_process';

export interface ExternalTool {
  readonly command: string;
  readonly suites: string;
  readonly install: string;
}

export const MOTO_SERVER: ExternalTool = {
  command: 'moto_server',
  suites: 'contract (DynamoDB), integration',
  install: "pip install 'moto[server]'",
};

export const CFN_LINT: ExternalTool = {
  command: 'cfn-lint',
  suites: 'infra (cfn-lint)',
  install: 'pip install cfn-lint',
};

/** Absolute path of the command on PATH, or null */
export function findTool(command: string): string | null {
  try {
    const out = execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
    return out.length > 0 ? out : null;
  } catch {
    return null;
  }
}
