/** The CDK app: `npx cdk synth` / `npx cdk deploy`. One stack per configured region, primary first. */
import { App } from 'aws-cdk-lib';
import { RegionStack } from '../region-stack.ts';
import { parseAppConfig } from './app-config.ts';

export function buildApp(app: App = new App()): App {
  const config = parseAppConfig(app.node.tryGetContext('openline'));
  for (const region of config.regions) {
    new RegionStack(app, `Openline-${config.stage}-${region}`, {
      config,
      region,
      // Replicated tables need a concrete region; the account comes from the CLI's credentials at deploy.
      env: { region, account: process.env.CDK_DEFAULT_ACCOUNT },
      description: `Openline contact center (${config.stage}, ${region === config.regions[0] ? 'primary' : 'standby'})`,
    });
  }
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) buildApp().synth();
