import { describe, expect, it } from 'vitest';
import { createAwsClients } from '../../layers/config/aws-clients.ts';
import { ConfigError, loadConfig, services } from '../../layers/config/config.ts';

const names = {
  OPENLINE_CONFIG_TABLE: 'cfg-table',
  OPENLINE_LIVE_TABLE: 'live-table',
  OPENLINE_RECORDINGS_TABLE: 'rec-table',
  OPENLINE_CALL_EVENTS_STREAM: 'events',
  OPENLINE_RECORDINGS_BUCKET: 'rec-bucket',
  OPENLINE_LAKE_BUCKET: 'lake-bucket',
  OPENLINE_PROMPTS_BUCKET: 'prompts-bucket',
};

describe('loadConfig', () => {
  it('reads the region and every resource name', () => {
    const config = loadConfig({ AWS_REGION: 'eu-west-1', ...names });
    expect(config.region).toBe('eu-west-1');
    expect(config.tables).toEqual({ config: 'cfg-table', live: 'live-table', recordings: 'rec-table' });
    expect(config.streams).toEqual({ 'call-events': 'events' });
    expect(config.buckets).toEqual({
      recordings: 'rec-bucket',
      lake: 'lake-bucket',
      prompts: 'prompts-bucket',
    });
    expect(config.logLevel).toBe('INFO');
  });

  it('uses no endpoint override when none is set (the AWS default endpoints)', () => {
    const config = loadConfig({ AWS_REGION: 'us-east-1', ...names });
    expect(Object.keys(config.endpoints)).toHaveLength(Object.keys(services).length);
    expect(Object.values(config.endpoints).every((e) => e === undefined)).toBe(true);
  });

  it('prefers AWS_ENDPOINT_URL_<SERVICE> over AWS_ENDPOINT_URL, as the AWS SDKs do', () => {
    const config = loadConfig({
      AWS_REGION: 'us-east-1',
      ...names,
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566/',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
      AWS_ENDPOINT_URL_S3: '',
    });
    expect(config.endpoints.dynamodb).toBe('http://127.0.0.1:8000');
    expect(config.endpoints.kinesis).toBe('http://127.0.0.1:4566');
    // An empty variable counts as unset.
    expect(config.endpoints.s3).toBe('http://127.0.0.1:4566');
  });

  it('lists every problem at once, naming the variables', () => {
    let error: unknown;
    try {
      loadConfig({
        AWS_REGION: 'mars',
        AWS_ENDPOINT_URL_KINESIS: 'localhost:4567',
        OPENLINE_CONFIG_TABLE: 'x',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/AWS_REGION/);
    expect(problems).toMatch(/AWS_ENDPOINT_URL_KINESIS: must be an http\(s\) URL/);
    expect(problems).toMatch(/OPENLINE_CONFIG_TABLE/);
    expect(problems).toMatch(/OPENLINE_LIVE_TABLE/);
    expect(problems).toMatch(/OPENLINE_PROMPTS_BUCKET/);
  });
});

describe('createAwsClients', () => {
  it('builds each client once, with emulator-safe settings that are also valid on AWS', async () => {
    const clients = createAwsClients(
      loadConfig({ AWS_REGION: 'us-east-1', ...names, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569' }),
    );
    expect(clients.s3).toBe(clients.s3);
    expect(clients.dynamodb).toBe(clients.dynamodb);
    expect(clients.documents).toBe(clients.documents);
    expect(clients.s3.config.forcePathStyle).toBe(true);
    expect(await clients.s3.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(clients.kinesis.config.requestHandler.constructor.name).toBe('NodeHttpHandler');
  });

  it('uses virtual-hosted S3 addressing against AWS itself', () => {
    const clients = createAwsClients(loadConfig({ AWS_REGION: 'us-east-1', ...names }));
    expect(clients.s3.config.forcePathStyle).toBe(false);
  });

  it('refuses to build a WebSocket client without a management URL, with a clear message', () => {
    const clients = createAwsClients(loadConfig({ AWS_REGION: 'us-east-1', ...names }));
    expect(() => clients.websocketManagement).toThrow(/OPENLINE_WEBSOCKET_MANAGEMENT_URL/);
  });
});
