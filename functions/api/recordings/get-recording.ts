/**
 * GET /api/v1/recordings/{callId}: a recording's details and a link that plays it for five minutes (a
 * presigned S3 URL); supervisors and admins of the recording's tenant.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { callerIdentity, requireAccess } from '../../../layers/adapters/caller-identity.ts';
import { httpHandler } from '../../../layers/adapters/http-api.ts';
import { recordingObject } from '../../../layers/adapters/recording-objects.ts';
import { runtimeClients } from '../../../layers/config/aws-clients.ts';
import { runtimeConfig } from '../../../layers/config/config.ts';
import { NotFoundError } from '../../../layers/domain/errors.ts';
import { recordingsIndex } from '../../recordings/recordings-runtime.ts';

const LINK_SECONDS = 300;

export const handler = httpHandler(async (event) => {
  const caller = callerIdentity(event);
  requireAccess(caller, 'recordings:read', 'supervisor', 'admin');
  const callId = event.pathParameters?.callId ?? '';
  const recording = await recordingsIndex().get(caller.tenantId, callId);
  if (recording === undefined) throw new NotFoundError('there is no such recording');
  const config = runtimeConfig();
  const object = recordingObject(recording.location, {
    region: config.region,
    bucket: config.buckets.recordings,
    replicaOf: config.recordingsReplicaOf,
  });
  const url = await getSignedUrl(
    runtimeClients().s3In(object.region),
    new GetObjectCommand({ Bucket: object.bucket, Key: object.key, ResponseContentType: 'audio/wav' }),
    { expiresIn: LINK_SECONDS },
  );
  return { status: 200, body: { recording, url, expiresInSeconds: LINK_SECONDS } };
});
