import { describe, expect, it } from 'vitest';
import { offlineAgent, transition } from '../../layers/domain/routing/agent-state.ts';
import { agentStateEvent, type CallSnapshot, callEvent } from '../../layers/domain/routing/live-events.ts';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';

const tenant = tenantId('acme');
const now = new Date('2026-11-24T12:00:00Z');

describe('live events', () => {
  const offline = offlineAgent('a1', now);
  const loggedIn = transition(
    offline,
    { kind: 'login', skills: {}, queues: { q: 1 }, media: { meetingId: 'm1', mediaRegion: 'us-east-1' } },
    now,
  );

  it('tells the agent and the supervisors of a state change, without the media session', () => {
    const event = agentStateEvent(tenant, undefined, loggedIn);
    expect(event?.audience).toEqual([{ kind: 'agent', agentId: 'a1' }, { kind: 'supervisors' }]);
    expect(event?.message).toMatchObject({ type: 'agent.state', previousStatus: 'offline', version: 1 });
    expect(JSON.stringify(event)).not.toContain('m1');
  });

  it('says nothing for a write that did not change the state (same version) or a deleted item', () => {
    expect(agentStateEvent(tenant, loggedIn, loggedIn)).toBeUndefined();
    expect(agentStateEvent(tenant, loggedIn, undefined)).toBeUndefined();
  });

  it('tells supervisors of a call only when what they see changes', () => {
    const queued: CallSnapshot = { callId: 'c1', status: 'queued', caller: '+14255550101' };
    expect(callEvent(tenant, undefined, queued)?.message).toMatchObject({ type: 'call', status: 'queued' });
    expect(callEvent(tenant, queued, { ...queued })).toBeUndefined();
    const connected = { ...queued, status: 'connected', answeredAt: now.toISOString() };
    expect(callEvent(tenant, queued, connected)?.audience).toEqual([{ kind: 'supervisors' }]);
  });
});
