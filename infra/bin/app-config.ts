/** The deployment's typed configuration, read from the `openline` context in cdk.json (or -c overrides). */
import { z } from 'zod';

const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as us-east-1');

export const appConfigSchema = z
  .object({
    /** Regions to deploy to, primary first; every other region is a disaster-recovery standby. */
    regions: z.array(region).min(1).max(5),
    stage: z.enum(['dev', 'prod']),
    /** Custom domain for the web app and APIs, or empty for the generated ones. */
    domain: z.string().default(''),
  })
  .refine((c) => new Set(c.regions).size === c.regions.length, { message: 'regions must not repeat' });

export type AppConfig = z.infer<typeof appConfigSchema>;

export function parseAppConfig(raw: unknown): AppConfig {
  const parsed = appConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `  - openline.${i.path.join('.')}: ${i.message}`)
      .join('\n');
    throw new Error(`invalid "openline" context in cdk.json:\n${problems}`);
  }
  return parsed.data;
}
