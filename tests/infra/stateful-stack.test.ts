// CDK template assertions for the stateful stack, named for the guarantee each one checks
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app';
import { STATE_TABLE } from '../../shared/adapters/dynamodb/table-definition';

describe('StatefulStack', () => {
  const template = Template.fromStack(buildApp().stateful);

  it('retains the state table and enables point-in-time recovery', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } },
    });
  });

  it('uses the shared table definition: pk/sk keys, TTL attribute and the status index', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: STATE_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: STATE_TABLE.sortKey, KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: STATE_TABLE.ttlAttribute, Enabled: true },
      GlobalSecondaryIndexes: [{ IndexName: STATE_TABLE.statusIndex.name }],
    });
  });

  it('creates the kill switch "on" so a fresh deployment cannot trade', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/btcbot/dev/kill-switch', Value: 'on' });
    expect(Object.keys(template.findResources('AWS::SSM::Parameter'))).toHaveLength(1);
  });
});
