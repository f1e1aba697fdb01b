import { describe, expect, it } from 'vitest';
import {
  estimatedWaitSeconds,
  overflowPlan,
  waitAnnouncement,
} from '../../layers/domain/routing/overflow.ts';

describe('queue overflow and announcements', () => {
  it('plans each overflow target', () => {
    expect(overflowPlan({ kind: 'voicemail' }, 'full', 'en-US')).toMatchObject({
      awaiting: 'message',
      steps: [{ kind: 'say' }, { kind: 'record', maxSeconds: 120 }],
    });
    expect(overflowPlan({ kind: 'hangup', message: 'Bye now.' }, 'waited', 'en-US')).toEqual({
      awaiting: 'end',
      steps: [expect.objectContaining({ kind: 'say', text: 'Bye now.' }), { kind: 'hangup' }],
    });
    expect(overflowPlan({ kind: 'callback' }, 'waited', 'es-US')).toMatchObject({
      awaiting: 'end',
      callback: true,
      steps: [{ kind: 'say', language: 'es-US' }, { kind: 'hangup' }],
    });
    expect(overflowPlan({ kind: 'queue', queueId: 'b' }, 'full', 'en-US')).toMatchObject({
      awaiting: 'queue',
      queueId: 'b',
    });
  });

  it('estimates the wait from the recent answer rate, and says nothing when there is none', () => {
    expect(estimatedWaitSeconds(3, 30, 900)).toBe(90);
    expect(estimatedWaitSeconds(3, 0, 900)).toBeUndefined();
  });

  it('words the place and the wait', () => {
    const text = (p: number, ewt?: number) =>
      (waitAnnouncement(p, 100, ewt, 'en-US') as { text: string }).text;
    expect(text(1)).toBe('You are next in line. Thank you for holding.');
    expect(text(4, 60)).toBe(
      'You are caller number 4 in line. We expect to answer your call in about a minute. Thank you for holding.',
    );
    expect(text(4, 300)).toContain('in about 5 minutes');
    expect(text(101)).toBe('There are at least 100 callers ahead of you. Thank you for holding.');
  });
});
