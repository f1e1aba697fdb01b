/**
 * Context that makes the template tests synthesise without bundling the functions (CDK's own switch: no
 * stack is bundled; assets get a placeholder). Bundling is tested once, by the real `npx cdk synth` in
 * cdk-synth.test.ts.
 */
export const SKIP_BUNDLING = 'aws:cdk:bundling-stacks';
