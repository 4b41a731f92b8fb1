// Builds the CDK app: one stateful stack per environment. Shared by bin/app.ts and the infra tests.
import { App, type AppProps } from 'aws-cdk-lib';
import { StatefulStack } from './stateful-stack';

export interface BtcbotApp {
  readonly app: App;
  readonly stateful: StatefulStack;
}

export function buildApp(props: AppProps = {}): BtcbotApp {
  const app = new App(props);
  const envName = String(app.node.tryGetContext('btcbot:env') ?? 'dev');
  const stateful = new StatefulStack(app, `Btcbot-${envName}-Stateful`, { envName });
  return { app, stateful };
}
