/**
 * What a new tenant starts with, so that its number answers the moment it is live: a published flow that
 * welcomes the caller, offers a menu (1 to talk to someone, 2 to leave a message) and queues the caller in
 * one default queue. The admin changes all of it in the console; nothing here is special afterwards.
 */
import type { FlowDocument } from '../flows/flow-document.ts';
import { parseQueueConfig, type QueueConfig } from '../routing/queue-config.ts';

export const STARTER_FLOW_ID = 'main';
export const STARTER_QUEUE_ID = 'general';

export function starterQueue(): QueueConfig {
  return parseQueueConfig({ name: 'General', strategy: 'longest-idle', overflow: { kind: 'voicemail' } });
}

export function starterFlow(companyName: string): FlowDocument {
  // The company name is spoken: keep it to what a prompt can carry (no template braces, no markup).
  const spoken = companyName
    .replace(/[{}<>]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const en = 'en-US';
  return {
    schemaVersion: 1,
    name: `${spoken} main line`,
    languages: [en],
    voices: { [en]: 'Joanna' },
    start: 'welcome',
    nodes: {
      welcome: { type: 'play', prompt: { say: { [en]: `Welcome to ${spoken}.` } }, next: 'menu' },
      menu: {
        type: 'menu',
        prompt: { say: { [en]: 'To speak with us, press 1. To leave a message, press 2.' } },
        options: { '1': 'queue', '2': 'message' },
        timeoutSeconds: 5,
        attempts: 3,
        invalidPrompt: { say: { [en]: 'Sorry, that is not one of the choices.' } },
        timeoutPrompt: { say: { [en]: 'Sorry, I did not hear a choice.' } },
        exhausted: 'queue',
      },
      queue: {
        type: 'enqueue',
        queue: STARTER_QUEUE_ID,
        priority: 0,
        skills: {},
        prompt: { say: { [en]: 'Thank you. Please hold for the next available person.' } },
      },
      message: {
        type: 'voicemail',
        prompt: { say: { [en]: 'Please leave a message after the tone.' } },
        maxSeconds: 120,
        next: 'goodbye',
      },
      goodbye: { type: 'hangup', prompt: { say: { [en]: 'Thank you for calling. Goodbye.' } } },
    },
  };
}
