/**
 * The region's telephony: its SIP media application invoking the call-control function, and its entry in
 * the platform's list of SIP targets (written into the global config table, priority 1 in the primary), so
 * that sign-up makes every tenant number's SIP rule with every region as a prioritised target: when the
 * primary's application cannot take a call, Chime offers it to the next region. SIP rules and numbers are
 * the tenants' (sign-up makes them through the API), so none is created here. The Chime service may play
 * the region's prompts and write its recordings.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import { Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import {
  AwsCustomResource,
  AwsCustomResourcePolicy,
  PhysicalResourceId,
  PhysicalResourceIdReference,
} from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { sipTargetItem } from '../../layers/adapters/platform-telephony.ts';
import { objectKeys } from '../../layers/resources/buckets.ts';
import { beepWav, holdMusicWav } from '../local/demo/platform-prompts.ts';
import { BUCKET_DEPLOYMENT_FUNCTION } from './web-hosting.ts';

/** The construct id aws-cdk-lib gives the AwsCustomResource function (one per stack). */
const AWS_CUSTOM_RESOURCE_FUNCTION = 'AWS679f53fac002430cb0da5b7982bd2287';

/** Where the platform's prompts live in the prompts bucket (objectKeys.platformPrompt). */
const PLATFORM_PROMPTS = objectKeys.platformPrompt('x').replace(/x\.wav$/, '');

export interface TelephonyProps {
  readonly callControl: IFunction;
  /** 1 in the primary region, 2.. in the standby regions in their configured order. */
  readonly priority: number;
  readonly configTable: ITableV2;
  readonly recordings: IBucket;
  readonly prompts: IBucket;
  readonly dataKey: IKey;
}

export class Telephony extends Construct {
  /** The region's SIP media application id (for the outputs and the SIP-target list). */
  readonly sipMediaApplicationId: string;

  constructor(scope: Construct, id: string, props: TelephonyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Chime's voice service invokes the handler, and only for this account's applications.
    const chime = new ServicePrincipal('voiceconnector.chime.amazonaws.com');
    props.callControl.addPermission('ChimeInvokes', {
      principal: chime,
      sourceAccount: stack.account,
    });

    // Through the Chime SDK Voice API: CloudFormation's AWS::Chime::SipMediaApplication is not offered in
    // every PSTN region (us-west-2 among them), the API is.
    const endpoints = [{ LambdaArn: props.callControl.functionArn }];
    const smaId = new PhysicalResourceIdReference();
    const application = new AwsCustomResource(this, 'SipMediaApplication', {
      onCreate: {
        service: 'ChimeSDKVoice',
        action: 'CreateSipMediaApplication',
        parameters: {
          AwsRegion: stack.region,
          Name: `openline-${stack.stackName}`.slice(0, 256),
          Endpoints: endpoints,
        },
        physicalResourceId: PhysicalResourceId.fromResponse('SipMediaApplication.SipMediaApplicationId'),
      },
      onUpdate: {
        service: 'ChimeSDKVoice',
        action: 'UpdateSipMediaApplication',
        parameters: { SipMediaApplicationId: smaId, Endpoints: endpoints },
        physicalResourceId: PhysicalResourceId.fromResponse('SipMediaApplication.SipMediaApplicationId'),
      },
      onDelete: {
        service: 'ChimeSDKVoice',
        action: 'DeleteSipMediaApplication',
        parameters: { SipMediaApplicationId: smaId },
      },
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({
          actions: [
            'chime:CreateSipMediaApplication',
            'chime:UpdateSipMediaApplication',
            'chime:DeleteSipMediaApplication',
          ],
          resources: ['*'],
        }),
        // Chime checks at creation that the function exists and may be invoked by it.
        new PolicyStatement({
          actions: ['lambda:GetFunction', 'lambda:GetPolicy'],
          resources: [props.callControl.functionArn],
        }),
      ]),
      installLatestAwsSdk: false,
    });
    // The function and its permission (a child of it) exist before Chime checks them.
    application.node.addDependency(props.callControl);
    Validations.of(application).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Chime SDK Voice create/update/delete of a SIP media application take no resource-level permissions.',
    });
    this.sipMediaApplicationId = application.getResponseField('SipMediaApplication.SipMediaApplicationId');

    // The SMA records calls into the tenant's folder and plays prompts (bucket policies: the service has no role).
    props.recordings.addToResourcePolicy(
      new PolicyStatement({
        principals: [chime],
        actions: ['s3:PutObject', 's3:PutObjectAcl'],
        resources: [props.recordings.arnForObjects('tenants/*')],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    props.prompts.addToResourcePolicy(
      new PolicyStatement({
        principals: [chime],
        actions: ['s3:GetObject'],
        resources: [
          props.prompts.arnForObjects('tenants/*'),
          props.prompts.arnForObjects(`${PLATFORM_PROMPTS}*`),
        ],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    // The platform's own prompts (hold music, the voicemail beep): the same synthesised audio the local
    // cloud seeds, uploaded to this region's bucket (tenants' prompts beside them are left alone).
    const prompts = mkdtempSync(join(tmpdir(), 'openline-prompts-'));
    writeFileSync(join(prompts, 'hold-music.wav'), holdMusicWav());
    writeFileSync(join(prompts, 'beep.wav'), beepWav());
    new BucketDeployment(this, 'PlatformPrompts', {
      sources: [Source.asset(prompts)],
      destinationBucket: props.prompts,
      destinationKeyPrefix: PLATFORM_PROMPTS,
      prune: false,
    });
    const copier = stack.node.tryFindChild(BUCKET_DEPLOYMENT_FUNCTION);
    const bucket = stack.getLogicalId(props.prompts.node.defaultChild as CfnBucket);
    if (copier !== undefined)
      Validations.of(copier).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucket}.Arn>/*]`,
        reason:
          "CDK's BucketDeployment function writes the platform prompts into the prompts bucket (under platform/prompts/, never pruning).",
      });
    props.dataKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [chime],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );

    // This region's target in the platform's list (PlatformTelephony reads it when sign-up makes a rule).
    const item = sipTargetItem(
      { region: stack.region, sipMediaApplicationId: this.sipMediaApplicationId },
      props.priority,
    );
    const put = {
      service: 'DynamoDB',
      action: 'PutItem',
      parameters: { TableName: props.configTable.tableName, Item: marshall(item) },
      // The priority is part of the item's key: a new priority replaces the resource (the old item deleted).
      physicalResourceId: PhysicalResourceId.of(`sip-target-${props.priority}-${stack.region}`),
    };
    new AwsCustomResource(this, 'RegisterSipTarget', {
      onCreate: put,
      onUpdate: put,
      onDelete: {
        service: 'DynamoDB',
        action: 'DeleteItem',
        parameters: { TableName: props.configTable.tableName, Key: marshall({ pk: item.pk, sk: item.sk }) },
      },
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({
          actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
          resources: [props.configTable.tableArn],
        }),
      ]),
      installLatestAwsSdk: false,
    });
    // aws-cdk-lib's one function behind every AwsCustomResource of the stack.
    const provider = stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_FUNCTION);
    if (provider !== undefined)
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "aws-cdk-lib's AwsCustomResource function: the managed basic-execution policy writes its logs; its own policy is the one PutItem/DeleteItem on the config table.",
      });
  }
}
