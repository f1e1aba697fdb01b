import { describe, expect, it } from 'vitest';
import { exponential, poissonArrivals, seededRandom } from '../../bench/load/arrivals.ts';
import { overlaps } from '../../bench/load/checks.ts';
import { parseBenchOptions } from '../../bench/load/options.ts';
import { PRICE_TABLE, referenceCallCost } from '../../layers/domain/cdr/price-table.ts';

describe('the load generator', () => {
  it('offers the same calls for the same seed, at the asked rate', () => {
    const a = poissonArrivals(seededRandom(7), 10, 600);
    expect(poissonArrivals(seededRandom(7), 10, 600)).toEqual(a);
    // 6,000 expected: a Poisson count's standard deviation is ~77.
    expect(a.length).toBeGreaterThan(5_700);
    expect(a.length).toBeLessThan(6_300);
    expect(a.every((t, i) => i === 0 || t > (a[i - 1] as number))).toBe(true);
    const random = seededRandom(3);
    const mean =
      Array.from({ length: 20_000 }, () => exponential(random, 40)).reduce((s, x) => s + x, 0) / 20_000;
    expect(mean).toBeGreaterThan(38);
    expect(mean).toBeLessThan(42);
  });

  it('finds an agent on two calls at once, and not one call after another', () => {
    const talks = new Map([
      [
        't/a',
        [
          { callId: 'c1', from: 0, to: 100 },
          { callId: 'c2', from: 100, to: 200 },
        ],
      ],
      [
        't/b',
        [
          { callId: 'c3', from: 0, to: 100 },
          { callId: 'c4', from: 50, to: 80 },
        ],
      ],
    ]);
    expect(overlaps(talks)).toEqual([{ agent: 't/b', calls: ['c3', 'c4'] }]);
  });

  it('takes a profile and overrides, and refuses what it does not know', () => {
    expect(parseBenchOptions([])).toMatchObject({
      profile: 'default',
      rate: 2,
      agents: 16,
      json: false,
      save: true,
    });
    expect(parseBenchOptions(['--profile', 'peak', '--json'])).toMatchObject({
      rate: 28,
      durationS: 180,
      agents: 5_000,
      json: true,
    });
    expect(parseBenchOptions(['--rate', '5', '--no-save'])).toMatchObject({ rate: 5, save: false });
    expect(() => parseBenchOptions(['--rate', 'fast'])).toThrow(/--rate must be a number/);
    expect(() => parseBenchOptions(['--profile', 'huge'])).toThrow(/default or peak/);
    expect(() => parseBenchOptions(['--calls', '3'])).toThrow(/unknown option/);
  });

  it("prices the reference call: Openline's telephony and platform, and Amazon Connect's per-minute price", () => {
    const cost = referenceCallCost({
      dynamoReadUnits: 0,
      dynamoWriteUnits: 0,
      lambdaInvocations: 0,
      lambdaMs: 0,
    });
    // 330 s of call: 5.5 PSTN minutes; SMA on the caller's leg 5.5 min and the agent's 4 min.
    expect(cost.openline.telephony).toBeCloseTo(5.5 * PRICE_TABLE.didInboundMinute, 6);
    expect(cost.openline.sma).toBeCloseTo(9.5 * PRICE_TABLE.smaLegMinute, 6);
    expect(cost.amazonConnect.classic).toBeCloseTo(
      5.5 * (PRICE_TABLE.connectClassicMinute + PRICE_TABLE.didInboundMinute),
      6,
    );
    const busier = referenceCallCost({
      dynamoReadUnits: 100,
      dynamoWriteUnits: 200,
      lambdaInvocations: 20,
      lambdaMs: 50,
    });
    expect(busier.openline.platform - cost.openline.platform).toBeCloseTo(
      100 * PRICE_TABLE.dynamoReadUnit +
        200 * PRICE_TABLE.dynamoWriteUnit +
        20 * (PRICE_TABLE.lambdaRequest + 0.05 * 0.25 * PRICE_TABLE.lambdaGbSecond),
      5,
    );
  });
});
