/**
 * The demo contact center end to end, with the two command-line tools a developer uses: `npm run call`
 * dials the demo number and presses 1 (sales); with no agent logged in the caller waits on hold; with
 * `npm run agents -- --count 3` logged in, the caller is offered to an agent, connected to the agent's
 * meeting (they hear each other), and the call completes; the agent is available again after wrap-up. The
 * customer phone page (in Chromium) calls the demo number too, and waits on hold in sales.
 *
 * This file is the only one that logs agents into the demo tenant, so the demo queues are its own.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { AgentState } from '../../layers/domain/routing/agent-state.ts';
import { tenantId } from '../../layers/domain/tenancy/ids.ts';
import { liveKeys } from '../../layers/resources/keys.ts';
import { launchBrowser } from '../support/browser.ts';
import { runCli, startCli } from '../support/cli.ts';
import { localCloud } from '../support/local-cloud.ts';

const cloud = localCloud();

async function demo() {
  const health = (await (await fetch(`${cloud.webUrl}/health`)).json()) as {
    demo: { tenantId: string; numbers: string[] };
  };
  return { tenant: tenantId(health.demo.tenantId), number: health.demo.numbers[0] as string };
}

const heardTexts = (summary: { heard: { kind: string; text?: string; key?: string }[] }) =>
  summary.heard.map((h) =>
    h.kind === 'speech' || h.kind === 'voice' ? `${h.kind}: ${h.text}` : `${h.kind}:${h.key ?? ''}`,
  );

describe('the demo contact center with agents', () => {
  it('keeps a caller who pressed 1 on hold in the sales queue while no agent is logged in', async () => {
    const { number } = await demo();
    const run = await runCli('infra/local/call-cli.ts', [
      '--to',
      number,
      '--digits',
      '1',
      '--max-hold',
      '2',
      '--json',
      '--url',
      cloud.webUrl,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(summary).toMatchObject({ outcome: 'held', endReason: { by: 'phone' }, digitsSent: '1' });
    expect(heardTexts(summary)).toEqual([
      'speech: Welcome to the Openline demo shop.',
      expect.stringMatching(/^speech: For sales, press 1\./),
      'speech: Thank you. Connecting you to sales.',
      'audio:platform/prompts/hold-music.wav',
    ]);
  });

  it('lets the customer phone page call the demo number: the menu, a key, the queue’s hold music', async () => {
    const { number } = await demo();
    const browser = await launchBrowser();
    try {
      const phone = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      await phone.goto(`${cloud.webUrl}/phone`);
      // The page offers the demo number to call.
      await expect.poll(() => phone.getByLabel('Number to call').inputValue()).toBe(number);
      await phone.getByRole('button', { name: 'Call' }).click();
      const heard = phone.getByRole('list', { name: 'What you hear' });
      await expect.poll(() => heard.textContent(), { timeout: 10_000 }).toContain('For sales, press 1.');
      await phone.getByRole('button', { name: 'Key 1' }).click();
      await expect.poll(() => heard.textContent(), { timeout: 10_000 }).toContain('Connecting you to sales.');
      await expect.poll(() => heard.textContent(), { timeout: 10_000 }).toContain('♪ hold-music');
      await phone.getByRole('button', { name: 'Hang up' }).click();
      await expect.poll(() => phone.getByTestId('phone-status').textContent()).toMatch(/^Call ended/);
    } finally {
      await browser.close();
    }
  });

  it('connects the caller to one of npm run agents\u2019 agents; the call completes and the agent is available after wrap-up', async () => {
    const { tenant, number } = await demo();
    const agents = await startCli(
      'infra/local/agents-cli.ts',
      ['--count', '3', '--answer-after', '0.5', '--talk', '2', '--wrap-up', '0.5', '--url', cloud.webUrl],
      /3 agents ready/,
    );
    try {
      const run = await runCli('infra/local/call-cli.ts', [
        '--to',
        number,
        '--digits',
        '1',
        '--say',
        'I would like to buy a phone',
        '--json',
        '--url',
        cloud.webUrl,
      ]);
      expect(run.code, run.stderr).toBe(0);
      const summary = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}');
      expect(summary).toMatchObject({ outcome: 'ended', answered: true, endReason: { by: 'far-end' } });
      const heard = heardTexts(summary);
      expect(heard.slice(0, 3)).toEqual([
        'speech: Welcome to the Openline demo shop.',
        expect.stringMatching(/^speech: For sales, press 1\./),
        'speech: Thank you. Connecting you to sales.',
      ]);
      expect(heard).toContainEqual(
        expect.stringMatching(/^voice: Hello, this is sim-\w+-\d\. How can I help\?$/),
      );
      const handledBy = /this is (sim-\w+-\d)/.exec(heard.join('\n'))?.[1] as string;

      // The agent heard the caller, hung up after talking, and wrapped up.
      await expect
        .poll(() => agents.output(), { timeout: 15_000 })
        .toMatch(new RegExp(`${handledBy}\\s+wrapped-up`));
      expect(agents.output()).toMatch(new RegExp(`${handledBy}\\s+heard: I would like to buy a phone`));

      // In routing: the call ended with that agent, who is available again, one call answered.
      const states = await clients().send(
        new QueryCommand({
          TableName: cloud.config.tables.live,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': liveKeys.agentStateIndex(tenant, 'x').gsi1pk },
        }),
      );
      const answered = (states.Items ?? [])
        .map((i) => i.state as AgentState)
        .filter((s) => s.callsAnswered === 1 && s.status !== 'offline');
      expect(answered).toHaveLength(1);
      expect(answered[0]?.status).toBe('available');
    } finally {
      expect(await agents.stop()).toBe(0);
    }
    expect(agents.output()).toMatch(/logging the agents out/);
  });
});

function clients() {
  return cloud.clients.documents;
}
