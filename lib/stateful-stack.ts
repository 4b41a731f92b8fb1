// Data we must not lose: the state table (RETAIN, point-in-time recovery, TTL) and the kill-switch
// parameter, created "on" so that a fresh deployment can never trade by accident.
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { STATE_TABLE } from '../shared/adapters/dynamodb/table-definition';

export interface StatefulStackProps extends StackProps {
  /** Environment name (dev, prod): part of every resource name an operator types */
  readonly envName: string;
}

export const killSwitchParameterName = (envName: string) => `/btcbot/${envName}/kill-switch`;

export class StatefulStack extends Stack {
  readonly table: Table;
  readonly killSwitch: StringParameter;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { partitionKey, sortKey, ttlAttribute, statusIndex } = STATE_TABLE;
    this.table = new Table(this, 'StateTable', {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      sortKey: { name: sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: statusIndex.name,
      partitionKey: { name: statusIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: statusIndex.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    this.killSwitch = new StringParameter(this, 'KillSwitch', {
      parameterName: killSwitchParameterName(props.envName),
      stringValue: 'on',
      description:
        'btcbot kill switch: "off" allows live orders (with every other gate armed); anything else blocks them',
    });
  }
}
