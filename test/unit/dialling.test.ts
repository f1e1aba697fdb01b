import { describe, expect, it } from 'vitest';
import { dialableNumber } from '../../layers/domain/calls/dialling.ts';
import { ValidationError } from '../../layers/domain/errors.ts';

const own = '+12065550100';

describe('numbers agents may dial', () => {
  it('accepts a valid number in the tenant’s country', () => {
    expect(dialableNumber('+14255550123', own)).toBe('+14255550123');
  });

  it.each([
    ['4255550123', /E\.164/],
    [42, /E\.164/],
    ['+15555550123', /not a valid number/],
    ['+442071838750', /outside this contact center's country \(\+1\)/],
    ['+19005550123', /premium-rate/],
  ])('refuses %s', (input, message) => {
    expect(() => dialableNumber(input, own)).toThrow(ValidationError);
    expect(() => dialableNumber(input, own)).toThrow(message);
  });
});
