/**
 * The platform's SIP media application in every deployed region, primary first: where every tenant
 * number's SIP rule points. Each region's deployment writes its own target (a custom resource on AWS,
 * `npm start` locally) into the global config table, so every region reads the same list.
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SipTarget } from '../domain/tenancy/provision-tenant.ts';
import { configKeys } from '../resources/keys.ts';

/** The item a deployment writes for its region (CDK writes the same through a custom resource). */
export function sipTargetItem(target: SipTarget, priority: number): Record<string, unknown> {
  return {
    ...configKeys.platformSipTarget(priority, target.region),
    type: 'platform-sip-target',
    priority,
    region: target.region,
    sipMediaApplicationId: target.sipMediaApplicationId,
  };
}

export class PlatformTelephony {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Every region's target, by priority (the sort key starts with it). */
  async sipTargets(): Promise<readonly SipTarget[]> {
    const items =
      (
        await this.documents.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': configKeys.platformSipTargets().pk },
            ConsistentRead: true,
          }),
        )
      ).Items ?? [];
    // Without them no number can take calls: a deployment fault, not the person signing up's.
    if (items.length === 0) throw new Error('the platform has no SIP media application configured');
    return items.map((i) => ({
      region: i.region as string,
      sipMediaApplicationId: i.sipMediaApplicationId as string,
    }));
  }

  /** Writes the targets, the first as the primary. */
  async setSipTargets(targets: readonly SipTarget[]): Promise<void> {
    for (const [index, target] of targets.entries()) {
      await this.documents.send(
        new PutCommand({ TableName: this.table, Item: sipTargetItem(target, index + 1) }),
      );
    }
  }
}
