/** The concurrent-call limit split across counter shards: exactly the limit in all, and at most eight. */
import { describe, expect, it } from 'vitest';
import { shardLimits } from '../../layers/adapters/dynamodb-call-store.ts';

describe('call counter shards', () => {
  it('splits a limit into at most eight shards that add up to it', () => {
    expect(shardLimits(1)).toEqual([1]);
    expect(shardLimits(3)).toEqual([1, 1, 1]);
    expect(shardLimits(10)).toEqual([2, 2, 1, 1, 1, 1, 1, 1]);
    expect(shardLimits(1_000)).toEqual(Array(8).fill(125));
    for (const limit of [1, 7, 8, 9, 99, 1_001, 100_000]) {
      const shards = shardLimits(limit);
      expect(shards.reduce((a, b) => a + b, 0)).toBe(limit);
      expect(shards.length).toBeLessThanOrEqual(8);
      expect(Math.max(...shards) - Math.min(...shards)).toBeLessThanOrEqual(1);
    }
  });
});
