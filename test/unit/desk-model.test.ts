import { describe, expect, it } from 'vitest';
import {
  type AgentStateView,
  allowedActions,
  shortcutAction,
  statusLabel,
} from '../../web/src/softphone/desk-model.ts';

const call = { callId: 'c1', queueId: 'sales', offeredAt: '2026-11-24T12:00:00Z' };

describe('the softphone’s rules', () => {
  it('offers only what the agent’s state allows', () => {
    expect(allowedActions({ status: 'not-ready' })).toEqual(['ready', 'not-ready', 'dial']);
    expect(allowedActions({ status: 'reserved', call })).toEqual(['accept', 'decline']);
    expect(allowedActions({ status: 'reserved', call: { ...call, outbound: true } })).toEqual(['hang-up']);
    expect(allowedActions({ status: 'on-call', call })).toEqual([
      'hang-up',
      'mute',
      'hold',
      'transfer',
      'consult',
      'keypad',
    ]);
    const held = { status: 'on-call', call: { ...call, holdSince: call.offeredAt, muted: true } } as const;
    expect(allowedActions(held)).toEqual(['hang-up', 'unmute', 'resume', 'transfer', 'consult']);
    const ringing = { ...call, consult: { kind: 'agent', agentId: 'a2', state: 'ringing' } } as const;
    expect(allowedActions({ status: 'on-call', call: ringing })).toEqual(['hang-up', 'mute', 'end-consult']);
    const talking = {
      ...call,
      consult: { kind: 'number', number: '+1', callId: 'c2', state: 'talking' },
    } as const;
    expect(allowedActions({ status: 'on-call', call: talking })).toEqual([
      'hang-up',
      'mute',
      'complete',
      'conference',
      'end-consult',
    ]);
    expect(allowedActions({ status: 'on-call', call: { ...call, consultOf: 'a1' } })).toEqual(['hang-up']);
    expect(allowedActions({ status: 'after-call', call })).toEqual(['wrap-up', 'not-ready']);
  });

  it('maps Alt shortcuts to the action the state allows, and to nothing otherwise', () => {
    const onCall: AgentStateView = { status: 'on-call', call };
    expect(shortcutAction('h', onCall)).toBe('hold');
    expect(shortcutAction('H', { status: 'on-call', call: { ...call, holdSince: call.offeredAt } })).toBe(
      'resume',
    );
    expect(shortcutAction('A', onCall)).toBeUndefined();
    expect(shortcutAction('A', { status: 'reserved', call })).toBe('accept');
    expect(shortcutAction('R', { status: 'available' })).toBeUndefined();
  });

  it('reads the status with the tenant’s reason labels', () => {
    expect(statusLabel({ status: 'not-ready', reason: 'lunch' }, { lunch: 'Lunch' })).toBe(
      'Not ready · Lunch',
    );
    expect(statusLabel({ status: 'not-ready', reason: 'missed' }, {})).toBe('Not ready · Missed a call');
    expect(statusLabel({ status: 'reserved', call: { ...call, consultOf: 'a1' } }, {})).toBe(
      'Consultation request',
    );
  });
});
