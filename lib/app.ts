// Builds the CDK app: per environment the stateful stack, then the stateless stack that receives its
// table, queues, secret, parameter and alarm topic as props. Shared by bin/app.ts and the infra tests.
import { App, type AppProps } from 'aws-cdk-lib';
import { readContext } from './context';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

export interface BtcbotApp {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

export const stackNames = (envName: string) => ({
  stateful: `Btcbot-${envName}-Stateful`,
  stateless: `Btcbot-${envName}-Stateless`,
});

export function buildApp(props: AppProps = {}): BtcbotApp {
  const app = new App(props);
  const context = readContext(app);
  const names = stackNames(context.envName);
  const stateful = new StatefulStack(app, names.stateful, {
    envName: context.envName,
    secretExists: context.secretExists,
    reconcileMaxReceives: context.reconcileMaxReceives,
    alarmEmail: context.alarmEmail,
  });
  const stateless = new StatelessStack(app, names.stateless, {
    stateful,
    stage3Schedule: context.stage3Schedule,
    stage4Schedule: context.stage4Schedule,
    stage7Schedule: context.stage7Schedule,
    functionEnvironment: context.functionEnvironment,
    armedForLive: context.armedForLive,
  });
  return { app, stateful, stateless };
}
