import { describe, expect, it } from 'vitest';
import { httpLookup, isPublicAddress } from '../../layers/adapters/http-lookup.ts';

describe('the data lookup', () => {
  it('knows which addresses are public', () => {
    for (const address of ['8.8.8.8', '52.94.236.248', '2606:4700::1111', '[2a05:d018::1]'])
      expect(isPublicAddress(address), address).toBe(true);
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fd00:ec2::254',
      'fe80::1',
      '::ffff:169.254.169.254',
      '::ffff:a9fe:a9fe',
      '[::ffff:7f00:1]',
      'not-an-address',
    ])
      expect(isPublicAddress(address), address).toBe(false);
  });

  it('refuses inside addresses, plain http and other ports before connecting, with a reason that reveals nothing', async () => {
    const lookup = httpLookup({ plainHttpHosts: [] });
    const request = { method: 'GET' as const, body: undefined, timeoutMs: 500 };
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'https://169.254.169.254/',
      'https://[::ffff:a9fe:a9fe]/',
      'https://127.0.0.1/',
      'https://localhost/',
      'http://orders.example.com/1',
      'https://orders.example.com:8443/1',
      'ftp://orders.example.com/1',
    ])
      expect(await lookup({ ...request, url }), url).toEqual({ ok: false, reason: 'error' });
  });
});
