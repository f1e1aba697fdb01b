/**
 * What an agent does at the desk, over the distributor and the agent's media: log in (a media session is
 * opened for the login), go ready or not ready, accept or decline an offer (accepting joins the caller to
 * the agent's media), hang up, finish wrap-up with a disposition, log out. Carrier-agnostic: the media
 * port is Chime SDK meetings on AWS and in the local emulator.
 */
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import type { TenantId } from '../tenancy/ids.ts';
import type { AgentState } from './agent-state.ts';
import { acceptOffer, changeAgentState, endRouting, type RoutingPorts, returnOffer } from './dispatch.ts';
import type { AgentProfile } from './queue-config.ts';

/** The agent's media session as its softphone needs it to join (opaque to routing). */
export type MediaSession = Readonly<Record<string, unknown>> & {
  readonly meetingId: string;
  readonly mediaRegion: string;
};

export interface AgentDeskPorts extends RoutingPorts {
  readonly profiles: { agentProfile(tenant: TenantId, agentId: string): Promise<AgentProfile | undefined> };
  readonly media: {
    openSession(tenant: TenantId, agentId: string, loginAt: string): Promise<MediaSession>;
    /** A second join of the same session (a refreshed page): new credentials for the same meeting. */
    rejoin(tenant: TenantId, agentId: string, meetingId: string, mediaRegion: string): Promise<MediaSession>;
    closeSession(meetingId: string): Promise<void>;
    /** Joins the caller to the agent's media; 'gone' if the call ended meanwhile. */
    connect(
      carrier: Readonly<Record<string, string>>,
      callId: string,
      meetingId: string,
    ): Promise<'connected' | 'gone'>;
    hangUp(carrier: Readonly<Record<string, string>>, callId: string): Promise<'ok' | 'gone'>;
  };
  readonly calls: {
    carrier(tenant: TenantId, callId: string): Promise<Readonly<Record<string, string>> | undefined>;
    recordDisposition(tenant: TenantId, callId: string, disposition: Disposition): Promise<void>;
    /** When the caller's media was asked to join the agent's (the end of assignment, for its latency). */
    recordBridge(tenant: TenantId, callId: string, at: string): Promise<void>;
  };
}

export interface Disposition {
  readonly code: string;
  readonly notes: string;
  readonly agentId: string;
  readonly at: string;
}

/** Logs the agent in (not ready until it says so), or hands a logged-in agent its session again. */
export async function logIn(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
): Promise<{ state: AgentState; media: MediaSession }> {
  const current = (await ports.store.agent(tenant, agentId))?.state;
  if (current !== undefined && current.status !== 'offline' && current.media !== undefined) {
    return {
      state: current,
      media: await ports.media.rejoin(tenant, agentId, current.media.meetingId, current.media.mediaRegion),
    };
  }
  const profile = await ports.profiles.agentProfile(tenant, agentId);
  if (profile === undefined)
    throw new ForbiddenError('you have no agent profile in this tenant: ask an admin to add you');
  const media = await ports.media.openSession(tenant, agentId, ports.now().toISOString());
  const state = await changeAgentState(ports, tenant, agentId, {
    kind: 'login',
    skills: profile.skills,
    queues: profile.queues,
    media: { meetingId: media.meetingId, mediaRegion: media.mediaRegion },
  });
  return { state, media };
}

export async function logOut(ports: AgentDeskPorts, tenant: TenantId, agentId: string): Promise<AgentState> {
  const meetingId = (await ports.store.agent(tenant, agentId))?.state.media?.meetingId;
  const state = await changeAgentState(ports, tenant, agentId, { kind: 'logout' });
  if (meetingId !== undefined) await ports.media.closeSession(meetingId);
  return state;
}

export async function setReady(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
  ready: boolean,
  reason?: string,
): Promise<AgentState> {
  if (ready) return changeAgentState(ports, tenant, agentId, { kind: 'ready' });
  if (reason === undefined || !/^[A-Za-z0-9][A-Za-z0-9 _-]{0,39}$/.test(reason))
    throw new ValidationError('not ready needs a reason code of 1-40 letters, digits, spaces, _ and -');
  return changeAgentState(ports, tenant, agentId, { kind: 'not-ready', reason });
}

/** Accepts an offer: the agent is connected in routing, then the caller is joined to the agent's media. */
export async function accept(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
  callId: string,
): Promise<AgentState> {
  const { agent } = await acceptOffer(ports, tenant, agentId, callId);
  const meetingId = agent.media?.meetingId;
  const carrier = await ports.calls.carrier(tenant, callId);
  const requestedAt = ports.now().toISOString();
  const joined =
    meetingId === undefined || carrier === undefined
      ? 'gone'
      : await ports.media.connect(carrier, callId, meetingId);
  if (joined === 'connected') await ports.calls.recordBridge(tenant, callId, requestedAt);
  if (joined === 'gone') {
    // The caller hung up between the offer and the accept: the agent goes to wrap-up like after any call.
    await endRouting(ports, tenant, callId, 'gone');
    throw new ConflictError(`the caller of ${callId} has hung up`);
  }
  return agent;
}

export async function decline(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
  callId: string,
): Promise<AgentState> {
  return returnOffer(ports, tenant, agentId, callId, 'decline');
}

/** Ends the agent's current call; routing moves the agent to wrap-up when the call has gone. */
export async function hangUp(ports: AgentDeskPorts, tenant: TenantId, agentId: string): Promise<void> {
  const state = (await ports.store.agent(tenant, agentId))?.state;
  const callId = state?.status === 'on-call' ? state.call?.callId : undefined;
  if (callId === undefined) throw new ConflictError('you are not on a call');
  const carrier = await ports.calls.carrier(tenant, callId);
  const outcome = carrier === undefined ? 'gone' : await ports.media.hangUp(carrier, callId);
  // Normally call control reports the hang-up and routing follows; a call already gone is released here.
  if (outcome === 'gone') await endRouting(ports, tenant, callId, 'gone');
}

/** Finishes after-call work, recording the disposition of the call just handled. */
export async function wrapUp(
  ports: AgentDeskPorts,
  tenant: TenantId,
  agentId: string,
  disposition: { code?: unknown; notes?: unknown },
): Promise<AgentState> {
  const state = (await ports.store.agent(tenant, agentId))?.state;
  if (state === undefined) throw new NotFoundError('you are not logged in');
  const code = disposition.code ?? 'none';
  const notes = disposition.notes ?? '';
  if (typeof code !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/.test(code))
    throw new ValidationError('a disposition code is 1-40 letters, digits, _ and -');
  if (typeof notes !== 'string' || notes.length > 2000)
    throw new ValidationError('notes are text of at most 2,000 characters');
  if (state.status === 'after-call' && state.call !== undefined)
    await ports.calls.recordDisposition(tenant, state.call.callId, {
      code,
      notes,
      agentId,
      at: ports.now().toISOString(),
    });
  return changeAgentState(ports, tenant, agentId, { kind: 'end-wrap-up' });
}
