/**
 * Live events: every change of an agent's state reaches the agent's own WebSocket connections and the
 * tenant's supervisors, through the live table's stream (the local event source mapping), whichever
 * handler made the change; another tenant's supervisors hear nothing of it.
 */
import { describe, expect, it } from 'vitest';
import { api, contactCenter, openLiveSocket } from '../support/contact-center.ts';
import { localCloud } from '../support/local-cloud.ts';

const { webUrl } = localCloud();

const agentState = (agentId: string, status: string) => (e: Record<string, unknown>) =>
  e.type === 'agent.state' && e.agentId === agentId && (e.state as { status?: string }).status === status;

describe('live events', () => {
  it('pushes each agent state change to the agent and the tenant’s supervisors, and to no other tenant', async () => {
    const center = await contactCenter(webUrl, { queues: { help: { name: 'Help' } }, agents: 1 });
    const stranger = await contactCenter(webUrl, { queues: { help: { name: 'Help' } }, agents: 0 });
    const agent = center.agents[0] as (typeof center.agents)[number];
    const agentSocket = await openLiveSocket(webUrl, agent);
    const supervisorSocket = await openLiveSocket(webUrl, center.supervisor);
    const strangerSocket = await openLiveSocket(webUrl, stranger.supervisor);
    try {
      expect((await api(webUrl, agent, 'POST', '/agent/session')).status).toBe(200);
      const ready = Date.now();
      expect((await api(webUrl, agent, 'PUT', '/agent/state', { status: 'available' })).status).toBe(200);
      expect(
        (await api(webUrl, agent, 'PUT', '/agent/state', { status: 'not-ready', reason: 'lunch' })).status,
      ).toBe(200);

      for (const socket of [agentSocket, supervisorSocket]) {
        const loggedIn = await socket.next(agentState(agent.agentId, 'not-ready'));
        expect(loggedIn).toMatchObject({ previousStatus: 'offline', state: { reason: 'logged-in' } });
        const available = await socket.next(agentState(agent.agentId, 'available'));
        expect(available).toMatchObject({ previousStatus: 'not-ready' });
        await socket.next(
          (e) =>
            agentState(agent.agentId, 'not-ready')(e) && (e.state as { reason?: string }).reason === 'lunch',
        );
        // In the order they happened, each once per change (versions only grow).
        const versions = socket.events
          .filter((e) => e.type === 'agent.state')
          .map((e) => e.version as number);
        expect(versions).toEqual([...versions].sort((a, b) => a - b));
        // The state pushed carries nothing internal (media session, routing memory).
        expect(JSON.stringify(available)).not.toMatch(/meetingId|lastOffered/);
      }
      console.log(
        `agent.state pushed ${Date.now() - ready} ms after the ready request (includes the not-ready after it)`,
      );
      await new Promise((r) => setTimeout(r, 500));
      expect(strangerSocket.events.filter((e) => e.type === 'agent.state')).toEqual([]);
    } finally {
      await api(webUrl, agent, 'DELETE', '/agent/session');
      for (const socket of [agentSocket, supervisorSocket, strangerSocket]) socket.close();
    }
  });
});
