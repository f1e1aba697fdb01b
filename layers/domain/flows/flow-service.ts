/**
 * What the flows API does, over a store port: validate, save drafts, publish immutable versions, list
 * them, roll back. An invalid document is refused with every problem named, and nothing is stored, so the
 * published version calls use never changes because of a bad save.
 */
import { NotFoundError, ValidationError } from '../errors.ts';
import type { TenantId } from '../tenancy/ids.ts';
import type { FlowDocument } from './flow-document.ts';
import { type FlowProblem, validateFlow } from './validate-flow.ts';

export interface FlowVersionSummary {
  readonly version: number;
  readonly name: string;
  readonly publishedAt: string;
  readonly publishedBy: string;
}

export interface PublishedFlow {
  readonly version: number;
  readonly document: FlowDocument;
  readonly publishedAt: string;
}

/** Storage of flows (DynamoDB on AWS and locally: layers/adapters/dynamodb-flow-store.ts). */
export interface FlowStore {
  saveDraft(tenant: TenantId, flowId: string, document: FlowDocument, by: string): Promise<void>;
  draft(tenant: TenantId, flowId: string): Promise<{ document: FlowDocument; savedAt: string } | undefined>;
  /** Stores the next version and points the published pointer at it, atomically; returns its number. */
  publish(tenant: TenantId, flowId: string, document: FlowDocument, by: string): Promise<number>;
  published(tenant: TenantId, flowId: string): Promise<PublishedFlow | undefined>;
  version(tenant: TenantId, flowId: string, version: number): Promise<PublishedFlow | undefined>;
  versions(tenant: TenantId, flowId: string): Promise<FlowVersionSummary[]>;
  /** Points the published pointer at an existing version. */
  setPublished(tenant: TenantId, flowId: string, version: PublishedFlow, by: string): Promise<void>;
  flowIds(tenant: TenantId): Promise<string[]>;
}

export class InvalidFlowError extends ValidationError {
  constructor(problems: readonly FlowProblem[]) {
    super(`the flow has ${problems.length} problem${problems.length === 1 ? '' : 's'}`, problems);
  }
}

export function checkFlow(input: unknown): FlowDocument {
  const check = validateFlow(input);
  if (!check.ok) throw new InvalidFlowError(check.problems);
  return check.flow;
}

export async function saveDraft(
  store: FlowStore,
  tenant: TenantId,
  flowId: string,
  input: unknown,
  by: string,
): Promise<FlowDocument> {
  const document = checkFlow(input);
  await store.saveDraft(tenant, flowId, document, by);
  return document;
}

/** Publishes the given document, or the saved draft when none is given. */
export async function publishFlow(
  store: FlowStore,
  tenant: TenantId,
  flowId: string,
  input: unknown | undefined,
  by: string,
): Promise<{ version: number }> {
  let document: FlowDocument;
  if (input === undefined) {
    const draft = await store.draft(tenant, flowId);
    if (draft === undefined) throw new NotFoundError(`flow '${flowId}' has no draft to publish`);
    document = checkFlow(draft.document);
  } else {
    document = checkFlow(input);
  }
  return { version: await store.publish(tenant, flowId, document, by) };
}

export async function rollBack(
  store: FlowStore,
  tenant: TenantId,
  flowId: string,
  version: number,
  by: string,
): Promise<PublishedFlow> {
  if (!Number.isInteger(version) || version < 1)
    throw new ValidationError('version must be a whole number from 1');
  const target = await store.version(tenant, flowId, version);
  if (target === undefined) throw new NotFoundError(`flow '${flowId}' has no version ${version}`);
  await store.setPublished(tenant, flowId, target, by);
  return target;
}
