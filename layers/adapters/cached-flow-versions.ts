/**
 * Flow versions are immutable, so a warm handler keeps the ones it has read: a call in progress reads its
 * flow from memory on every invocation after the first. The published pointer is always read fresh, so a
 * new call never starts on a flow that was replaced.
 */
import type { FlowStore, PublishedFlow } from '../domain/flows/flow-service.ts';
import type { TenantId } from '../domain/tenancy/ids.ts';

const MAX_ENTRIES = 500;

export function cachedFlowVersions(store: Pick<FlowStore, 'published' | 'version'>) {
  const cache = new Map<string, PublishedFlow>();
  const remember = (key: string, flow: PublishedFlow) => {
    cache.set(key, flow);
    if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  };
  return {
    async published(tenant: TenantId, flowId: string): Promise<PublishedFlow | undefined> {
      const flow = await store.published(tenant, flowId);
      if (flow !== undefined) remember(`${tenant}/${flowId}/${flow.version}`, flow);
      return flow;
    },
    async version(tenant: TenantId, flowId: string, version: number): Promise<PublishedFlow | undefined> {
      const key = `${tenant}/${flowId}/${version}`;
      const cached = cache.get(key);
      if (cached !== undefined) return cached;
      const flow = await store.version(tenant, flowId, version);
      if (flow !== undefined) remember(key, flow);
      return flow;
    },
  };
}
