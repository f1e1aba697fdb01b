/**
 * The retention sweep (scheduled): deletes recordings whose tenant's retention ran out — the audio from
 * S3, then the index entry — except those under a legal hold (they are off the expiry index, and a hold
 * that comes on meanwhile stops the delete). Day buckets of the expiry index are swept in order from a
 * saved cursor, so a sweep that was down catches up and no day is skipped.
 */
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { logger } from '../../layers/adapters/logger.ts';
import { recordingObject } from '../../layers/adapters/recording-objects.ts';
import { runtimeClients } from '../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../layers/config/config.ts';
import { recordingsIndex } from './recordings-runtime.ts';

/** At most this many day buckets a run. */
const MAX_DAYS = 60;

export async function handler(): Promise<{ deleted: number }> {
  const index = recordingsIndex();
  const now = new Date();
  const today = now.toISOString().slice(0, 10);
  let day = (await index.sweepCursor()) ?? new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
  let deleted = 0;
  const deleteAudio = async (location: string) => {
    // Where it was made (a standby's recordings are in its own region's bucket); the DR copy of the
    // primary's follows through replication of the delete marker.
    const config = runtimeConfig();
    const object = recordingObject(location, { region: config.region, bucket: config.buckets.recordings });
    await runtimeClients()
      .s3In(object.region)
      .send(new DeleteObjectCommand({ Bucket: object.bucket, Key: object.key }));
  };
  for (let n = 0; n < MAX_DAYS && day <= today; n++) {
    for (const due of await index.expired(day, now.toISOString())) {
      try {
        if (await index.deleteExpired(due.tenant, due.callId, due.startedAt, deleteAudio)) {
          deleted++;
          logger().info('recording deleted at the end of its retention', {
            tenantId: due.tenant,
            callId: due.callId,
          });
        }
      } catch (error) {
        // Left in its bucket: the cursor stays on this day and the next run tries again.
        logger().warn('expired recording not deleted yet', { callId: due.callId, error: error as Error });
        return { deleted };
      }
    }
    if (day === today) break;
    day = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    await index.saveSweepCursor(day);
  }
  return { deleted };
}
