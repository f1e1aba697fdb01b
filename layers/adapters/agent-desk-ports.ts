/**
 * The agent desk's ports as the agent API builds them: routing in DynamoDB, agent profiles from the config
 * table, the call record, and media on Chime SDK meetings (the caller joined by UpdateSipMediaApplicationCall
 * to the region that owns the call).
 */

import type { AwsClients } from '../config/aws-clients.ts';
import type { OpenlineConfig } from '../config/config.ts';
import type { AgentDeskPorts } from '../domain/routing/agent-desk.ts';
import { CallGoneError, ChimeBridge, coachMeetingName, type SmaCarrier } from './chime-bridge.ts';
import { DynamoDbCallStore } from './dynamodb-call-store.ts';
import { DynamoDbNumberRoutes } from './dynamodb-number-routes.ts';
import { routingPorts } from './routing-ports.ts';
import { concurrentCallLimit } from './tenant-limits.ts';
import { WebSocketNotifier } from './websocket-notifier.ts';

export function agentDeskPorts(config: OpenlineConfig, clients: AwsClients): AgentDeskPorts {
  const bridge = new ChimeBridge(
    clients.chimeSdkMeetings,
    (region) => clients.chimeSdkVoiceIn(region),
    config.region,
  );
  const calls = new DynamoDbCallStore(clients.documents, config.tables.live, concurrentCallLimit);
  const notifier = new WebSocketNotifier(
    clients.documents,
    config.tables.live,
    () => clients.websocketManagement,
  );
  const routing = routingPorts({
    documents: clients.documents,
    liveTable: config.tables.live,
    configTable: config.tables.config,
    notifier,
    media: { bridge, carrier: (tenant, callId) => calls.carrier(tenant, callId) },
  });
  const numbers = new DynamoDbNumberRoutes(clients.documents, config.tables.config);
  const gone = async <T>(work: () => Promise<T>): Promise<T | 'gone'> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof CallGoneError) return 'gone';
      throw error;
    }
  };
  const ok = async (outcome: Promise<unknown>): Promise<'ok' | 'gone'> =>
    (await outcome) === 'gone' ? 'gone' : 'ok';
  return {
    ...routing,
    profiles: {
      agentProfile: (tenant, agentId) => routing.queues.agentProfile(tenant, agentId),
      reasonCodes: (tenant) => routing.queues.reasonCodes(tenant),
      dispositionCodes: (tenant) => routing.queues.dispositionCodes(tenant),
    },
    media: {
      openSession: (tenant, agentId, loginAt) => bridge.openAgentSession(tenant, agentId, loginAt),
      rejoin: (_tenant, agentId, meetingId) => bridge.rejoinAgentSession(agentId, meetingId),
      closeSession: (meetingId) => bridge.closeAgentSession(meetingId),
      connect: async (carrier, callId, meetingId, options) => {
        const outcome = await gone(() => bridge.connect(sma(carrier), callId, meetingId, options));
        return outcome === 'gone' ? 'gone' : 'connected';
      },
      park: (carrier, callId, to) =>
        ok(gone(() => bridge.park(sma(carrier), callId, to.kind === 'queue' ? to.queueId : undefined))),
      mute: (carrier, callId, meeting, muted) =>
        ok(gone(() => bridge.mute(sma(carrier), callId, meeting.meetingId, meeting.attendeeId, muted))),
      dial: (carrier, callId, number) => ok(gone(() => bridge.dial(sma(carrier), callId, number))),
      callOut: (carrier, call) => bridge.callOut(sma(carrier), call),
      hangUp: async (carrier, callId) => {
        const outcome = await gone(() => bridge.hangUp(carrier as unknown as SmaCarrier, callId));
        return outcome === 'gone' ? 'gone' : 'ok';
      },
      digits: (carrier, callId, digits) => ok(gone(() => bridge.digits(sma(carrier), callId, digits))),
      recording: (carrier, callId, paused) => ok(gone(() => bridge.recording(sma(carrier), callId, paused))),
      guestSeat: (meetingId, agentId) => bridge.rejoinAgentSession(agentId, meetingId),
      removeSeat: (meetingId, attendeeId) => bridge.removeSeat(meetingId, attendeeId),
      supervisorSeat: (meetingId, userId) => bridge.seat(meetingId, `supervisor.${userId}`),
      openCoachMeeting: (tenant, agentId) => bridge.openCoachMeeting(tenant, agentId),
      // A meeting id is a UUID: anything else is no meeting of ours (and is not sent on to Chime).
      isCoachMeeting: async (meetingId, tenant, agentId) =>
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(meetingId) &&
        (await bridge.meetingName(meetingId)) === coachMeetingName(tenant, agentId),
      consultCall: (carrier, call) => bridge.consultCall(sma(carrier), call),
      pair: (carrier, tenant, callId, consultCallId) =>
        ok(gone(() => bridge.pair(sma(carrier), tenant, callId, consultCallId))),
    },
    tellAgent: (tenant, agentId, message) => notifier.toAgent(tenant, agentId, message),
    lines: {
      outbound: async (tenant, from) => {
        const line = await numbers.outboundLine(tenant, config.region, from);
        return line === undefined ? undefined : { number: line.number, carrier: { ...line.carrier } };
      },
    },
    calls: {
      carrier: (tenant, callId) => calls.carrier(tenant, callId),
      ownNumber: (tenant, callId) => calls.ownNumber(tenant, callId),
      recordDisposition: (tenant, callId, disposition) =>
        calls.recordDisposition(tenant, callId, disposition),
      recordBridge: (tenant, callId, at) => calls.recordBridge(tenant, callId, at),
      details: (tenant, callId) => calls.details(tenant, callId),
      recentByCaller: (tenant, caller, limit) => calls.recentByCaller(tenant, caller, limit),
    },
  };
}

/** The carrier as call control recorded it on the call: the SMA's region and application. */
function sma(carrier: Readonly<Record<string, string>>): SmaCarrier {
  return carrier as unknown as SmaCarrier;
}
