// The external tools the emulator suites need and how to install them (located with local/aws/find-tool).
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
