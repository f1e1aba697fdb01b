/**
 * cdk-nag's AwsSolutions rules over every stack, in both stages: zero findings left unacknowledged.
 * Each acknowledgement sits on the construct it concerns (not the stack) with its reason, and names the
 * exact finding where a rule reports several (IAM5's wildcards one by one).
 */
import { App, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/bin/app.ts';
import { SKIP_BUNDLING } from './synth-options.ts';

function nagged(stage: 'dev' | 'prod') {
  const app = new App({
    context: { [SKIP_BUNDLING]: [], openline: { regions: ['us-east-1', 'eu-west-1'], stage, domain: '' } },
  });
  buildApp(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

describe('cdk-nag (AwsSolutions)', () => {
  it.each(['dev', 'prod'] as const)('finds nothing unacknowledged in the %s stacks', (stage) => {
    // A finding fails synthesis with the rule, the construct and how to acknowledge it.
    expect(() => nagged(stage).synth()).not.toThrow();
  });

  it('still fails synthesis when a finding is not acknowledged', () => {
    const app = nagged('dev');
    const stack = app.node.children[0];
    if (stack === undefined) throw new Error('no stack');
    // A bucket without access logs, TLS enforcement or encryption settings: S1 and S10 at least.
    new Bucket(stack, 'Unchecked');
    expect(() => app.synth()).toThrow(/AwsSolutions-S(1|10)/);
  });
});
