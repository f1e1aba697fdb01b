/**
 * Where a recording's audio is, from the location its index entry keeps (`s3://<bucket>/<key>`). The
 * recordings index is a global table, so an entry may name another region's bucket: deployed bucket names
 * end with their region (`openline-<stage>-recordings-<account>-<region>`), which is the region to sign
 * and send for. In the disaster-recovery region, the primary's recordings have a replica here (same key):
 * reading prefers it, so playback does not depend on the primary.
 */
export interface RecordingObject {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
}

const REGION_SUFFIX = /-([a-z]{2}(?:-[a-z]+)+-\d+)$/;

export function recordingObject(
  location: string,
  here: {
    readonly region: string;
    readonly bucket: string;
    /** The bucket this region's recordings bucket replicates (set in the DR region only). */
    readonly replicaOf?: string | undefined;
  },
): RecordingObject {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
  if (match === null) throw new Error(`not an S3 location: ${location}`);
  const [, bucket, key] = match as unknown as [string, string, string];
  if (here.replicaOf !== undefined && bucket === here.replicaOf)
    return { bucket: here.bucket, key, region: here.region };
  return { bucket, key, region: REGION_SUFFIX.exec(bucket)?.[1] ?? here.region };
}
