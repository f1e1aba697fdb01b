import { describe, expect, it } from 'vitest';
import { recordingObject } from '../../layers/adapters/recording-objects.ts';

const primary = 'openline-prod-recordings-123456789012-us-east-1';
const standby = 'openline-prod-recordings-123456789012-us-west-2';
const key = 'tenants/acme-1/call-recordings/2026/11/24/call-1.wav';

describe('recordingObject', () => {
  it("reads a recording in its own region's bucket, signed for that region", () => {
    const here = { region: 'us-east-1', bucket: primary };
    expect(recordingObject(`s3://${primary}/${key}`, here)).toEqual({
      bucket: primary,
      key,
      region: 'us-east-1',
    });
    expect(recordingObject(`s3://${standby}/${key}`, here)).toEqual({
      bucket: standby,
      key,
      region: 'us-west-2',
    });
  });

  it("prefers the DR region's replica of the primary's recordings", () => {
    const here = { region: 'us-west-2', bucket: standby, replicaOf: primary };
    expect(recordingObject(`s3://${primary}/${key}`, here)).toEqual({
      bucket: standby,
      key,
      region: 'us-west-2',
    });
  });

  it('keeps the local cloud (names without a region) in its own region, and refuses a location that is not S3', () => {
    expect(
      recordingObject(`s3://openline-recordings/${key}`, {
        region: 'us-east-1',
        bucket: 'openline-recordings',
      }),
    ).toEqual({
      bucket: 'openline-recordings',
      key,
      region: 'us-east-1',
    });
    expect(() =>
      recordingObject('https://example.com/x.wav', { region: 'us-east-1', bucket: primary }),
    ).toThrow(/not an S3 location/);
  });
});
