/** The CDK app: `npx cdk synth` / `npx cdk deploy`. One stack per configured region, primary first. */
import { Annotations, App } from 'aws-cdk-lib';
import { RegionStack } from '../region-stack.ts';
import { parseAppConfig } from './app-config.ts';

/** Regions where Chime SDK provides phone numbers for SIP media applications (spec §6). */
export const PSTN_REGIONS: readonly string[] = ['us-east-1', 'us-west-2'];

export function buildApp(app: App = new App()): App {
  const config = parseAppConfig(app.node.tryGetContext('openline'));
  let primary: RegionStack | undefined;
  for (const region of config.regions) {
    const stack = new RegionStack(app, `Openline-${config.stage}-${region}`, {
      config,
      region,
      // Replicated tables need a concrete region; the account comes from the CLI's credentials at deploy.
      env: { region, account: process.env.CDK_DEFAULT_ACCOUNT },
      description: `Openline contact center (${config.stage}, ${region === config.regions[0] ? 'primary' : 'standby'})`,
    });
    // Standby stacks use the global tables' replicas and the primary's recordings bucket: deploy after it.
    if (primary === undefined) primary = stack;
    else stack.addStackDependency(primary);
    if (!PSTN_REGIONS.includes(region))
      Annotations.of(stack).addWarningV2(
        'openline:no-pstn',
        `${region} has no Chime SDK PSTN audio numbers (only ${PSTN_REGIONS.join(', ')}): its SIP media application takes calls only through a Voice Connector with your own carrier.`,
      );
  }
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) buildApp().synth();
