// TradingFunction: a NodejsFunction with our defaults in one place (runtime, architecture, esbuild ESM
// bundle, memory, log group, own role) and bind/grant helpers that add an env var and the one permission
// it needs, so each function's IAM policy lists only what that function uses.
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The Lambda runtime and the esbuild target change together, here only (STYLE.md section 13) */
const RUNTIME = Runtime.NODEJS_22_X;
const ESBUILD_TARGET = 'node22';
// Some bundled CommonJS dependencies call require() for Node built-ins, which an ES module lacks
const REQUIRE_SHIM = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** Credential providers the SDK's default chain imports only when the environment holds no credentials */
export const UNREACHED_CREDENTIAL_PROVIDERS = [
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
] as const;

/** How every function is bundled; bench/bundle.ts and tests/infra build with esbuildOptions() to measure what ships */
export const BUNDLING = {
  format: OutputFormat.ESM,
  target: ESBUILD_TARGET,
  mainFields: ['module', 'main'],
  banner: REQUIRE_SHIM,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  // The AWS SDK is bundled too: the deployed code runs the SDK version the tests ran, and initializes
  // faster than the runtime's copy. undici ships its HTTP parser twice (72 KB each); the SIMD build is
  // left out: undici loads it inside a try and falls back to the bundled plain build. The SDK's default
  // credential chain tries the environment first, which Lambda always fills; the providers after it (SSO,
  // ini files, processes, web identity, container and instance metadata) are dynamic imports it never reaches
  // there, so they stay out of the bundle (about 190 KB with the nested STS/SSO clients they bring).
  externalModules: ['*/llhttp_simd-wasm.js', ...UNREACHED_CREDENTIAL_PROVIDERS],
} satisfies BundlingOptions;

/** The bundle ships a source map: stack traces point at the TypeScript sources */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';

/** BUNDLING as esbuild's own build options: the arguments CDK's NodejsFunction passes to the esbuild CLI */
export const esbuildOptions = (): BuildOptions => ({
  bundle: true,
  platform: 'node',
  format: BUNDLING.format,
  target: BUNDLING.target,
  mainFields: BUNDLING.mainFields,
  banner: { js: BUNDLING.banner },
  minify: BUNDLING.minify,
  sourcemap: BUNDLING.sourceMap,
  sourcesContent: BUNDLING.sourcesContent,
  external: BUNDLING.externalModules,
});

export interface TradingFunctionProps {
  /** Handler file relative to the project root, e.g. functions/reconcile/handler.ts (exports `handler`) */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  /** 256 to 512 MB; default 256 */
  readonly memorySize?: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly reservedConcurrentExecutions?: number;
  /** Lambda's own retries of an asynchronous invocation and how old such an event may get (default: Lambda's 2 and 6 h) */
  readonly asyncInvoke?: { readonly retryAttempts: number; readonly maxEventAge: Duration };
  /** X-Ray active tracing; default off */
  readonly tracing?: boolean;
  readonly logRetention?: RetentionDays;
}

export class TradingFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  /** The construct id is also the function's CloudFormation logical id (sam local invoke uses it) */
  constructor(scope: Construct, id: string, props: TradingFunctionProps) {
    super(scope, id);
    const memorySize = props.memorySize ?? 256;
    if (memorySize < 256 || memorySize > 512) throw new Error(`${id}: memorySize must be 256..512 MB`);
    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    this.logGroup.grantWrite(this.role);
    this.fn = new NodejsFunction(this, 'Function', {
      entry: `${PROJECT_ROOT}${props.entry}`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      description: props.description,
      runtime: RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      retryAttempts: props.asyncInvoke?.retryAttempts,
      maxEventAge: props.asyncInvoke?.maxEventAge,
      environment: { ...props.environment, NODE_OPTIONS: FUNCTION_NODE_OPTIONS },
      bundling: { ...BUNDLING, forceDockerBundling: false },
    });
    (this.fn.node.defaultChild as CfnFunction).overrideLogicalId(id);
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Runtime pinned to Node.js 22 to match the toolchain the tests run on; upgraded here only',
    });
  }

  /** STATE_TABLE_NAME plus the listed item actions on the table and its status index */
  bindStateTable(table: ITable, indexName: string, actions: readonly string[]): void {
    this.fn.addEnvironment('STATE_TABLE_NAME', table.tableName);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: actions.map((a) => `dynamodb:${a}`),
        resources: [table.tableArn, `${table.tableArn}/index/${indexName}`],
      }),
    );
  }

  /**
   * dynamodb:DeleteItem on the table, of items under the listed partition keys only (dynamodb:LeadingKeys,
   * which IAM also checks for each Delete inside a TransactWriteItems)
   */
  grantStateTableDeletes(table: ITable, partitionKeys: readonly string[]): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:DeleteItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [...partitionKeys] } },
      }),
    );
  }

  /** KILL_SWITCH_PARAMETER plus ssm:GetParameter on that one parameter */
  bindKillSwitch(parameter: IStringParameter): void {
    this.fn.addEnvironment('KILL_SWITCH_PARAMETER', parameter.parameterName);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameter.parameterArn] }),
    );
  }

  /** BTCTURK_SECRET_ID (the secret's name, never its value) plus GetSecretValue on that one secret */
  bindCredentials(secret: ISecret, secretName: string): void {
    this.fn.addEnvironment('BTCTURK_SECRET_ID', secretName);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secret.secretFullArn ?? `${secret.secretArn}-??????`],
      }),
    );
  }

  /** RECONCILE_QUEUE_URL plus sqs:SendMessage on that queue (the cycle sends uncertain orders) */
  bindReconcileQueue(queue: IQueue): void {
    this.fn.addEnvironment('RECONCILE_QUEUE_URL', queue.queueUrl);
    queue.grantSendMessages(this.role);
  }

  /**
   * RECONCILE_QUEUE_URL plus sqs:ChangeMessageVisibility on that queue, and NOT SendMessage: the reconcile
   * function keeps an unsettled message in flight with a back-off delay and never sends a new one
   */
  bindReconcileRetries(queue: IQueue): void {
    this.fn.addEnvironment('RECONCILE_QUEUE_URL', queue.queueUrl);
    queue.grant(this.role, 'sqs:ChangeMessageVisibility');
  }
}
