/**
 * The platform's SIP media application in every deployed region, primary first: where every tenant
 * number's SIP rule points. The deployment writes it (a custom resource on AWS, `npm start` locally) into
 * the global config table, so every region reads the same list.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SipTarget } from '../domain/tenancy/provision-tenant.ts';
import { configKeys } from '../resources/keys.ts';

export class PlatformTelephony {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async sipTargets(): Promise<readonly SipTarget[]> {
    const item = (
      await this.documents.send(
        new GetCommand({ TableName: this.table, Key: configKeys.platformTelephony() }),
      )
    ).Item;
    const targets = (item?.sipMediaApplications ?? []) as SipTarget[];
    // Without them no number can take calls: a deployment fault, not the person signing up's.
    if (targets.length === 0) throw new Error('the platform has no SIP media application configured');
    return targets;
  }

  async setSipTargets(targets: readonly SipTarget[]): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...configKeys.platformTelephony(),
          type: 'platform-telephony',
          sipMediaApplications: targets,
        },
      }),
    );
  }
}
