/**
 * The local number pool: deterministic fictional numbers, the search rules of spec §5.3, paging, and
 * numbers taken by an order never offered again.
 */
import { describe, expect, it } from 'vitest';
import { NumberInventory } from '../../infra/local/chime/number-inventory.ts';
import { ChimeApiError } from '../../infra/local/chime/rest-json.ts';

function searchError(query: Parameters<NumberInventory['search']>[0]): ChimeApiError {
  try {
    new NumberInventory().search(query);
  } catch (error) {
    if (error instanceof ChimeApiError) return error;
    throw error;
  }
  throw new Error(`search ${JSON.stringify(query)} did not fail`);
}

describe('number inventory', () => {
  it('offers local numbers of an area code in the fictional 555-01xx range, in order', () => {
    const result = new NumberInventory().search({ areaCode: '206', phoneNumberType: 'Local', maxResults: 3 });
    expect(result.e164PhoneNumbers).toEqual(['+12065550100', '+12065550101', '+12065550102']);
    const all = new NumberInventory().search({ areaCode: '206', maxResults: 500 }).e164PhoneNumbers;
    expect(all).toHaveLength(100);
    expect(all.every((n) => /^\+120655501\d\d$/.test(n))).toBe(true);
  });

  it('finds numbers by state and city, and toll-free numbers by prefix', () => {
    const inventory = new NumberInventory();
    expect(inventory.search({ state: 'NY', maxResults: 1 }).e164PhoneNumbers).toEqual(['+12125550100']);
    expect(inventory.search({ state: 'CA', city: 'San Francisco', maxResults: 1 }).e164PhoneNumbers).toEqual([
      '+14155550100',
    ]);
    expect(inventory.search({ tollFreePrefix: '888', maxResults: 2 }).e164PhoneNumbers).toEqual([
      '+18885550100',
      '+18885550101',
    ]);
    expect(inventory.search({ tollFreePrefix: '800', phoneNumberType: 'Local' }).e164PhoneNumbers).toEqual(
      [],
    );
    expect(inventory.search({ areaCode: '999' }).e164PhoneNumbers).toEqual([]);
  });

  it('pages with next-token until the last page, which has none', () => {
    const inventory = new NumberInventory();
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = inventory.search({ areaCode: '312', maxResults: 30, ...(nextToken ? { nextToken } : {}) });
      seen.push(...page.e164PhoneNumbers);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    expect(seen).toHaveLength(100);
    expect(new Set(seen).size).toBe(100);
    expect(seen[0]).toBe('+13125550100');
    expect(seen[99]).toBe('+13125550199');
  });

  it('does not offer a number again once an order has taken it', () => {
    const inventory = new NumberInventory();
    expect(inventory.take('+12065550100')).toBe(true);
    expect(inventory.take('+12065550100')).toBe(false);
    expect(inventory.take('+19995550100')).toBe(false);
    expect(inventory.search({ areaCode: '206', maxResults: 1 }).e164PhoneNumbers).toEqual(['+12065550101']);
    expect(inventory.isAvailable('+12065550100')).toBe(false);
    expect(inventory.lookup('+12065550100')).toMatchObject({ type: 'Local', city: 'Seattle', state: 'WA' });
  });

  it('rejects searches the service rejects, with BadRequest', () => {
    const cases: Parameters<NumberInventory['search']>[0][] = [
      { phoneNumberType: 'Local' },
      { city: 'Seattle' },
      { tollFreePrefix: '899' },
      { areaCode: '206', maxResults: 0 },
      { areaCode: '206', maxResults: 501 },
      { areaCode: '206', phoneNumberType: 'Mobile' },
      { country: 'usa', areaCode: '206' },
      { country: 'GB' },
      { country: 'GB', phoneNumberType: 'Local', city: 'London' },
      { areaCode: '206', nextToken: '!!!' },
    ];
    for (const query of cases) {
      const error = searchError(query);
      expect(error.exception, JSON.stringify(query)).toBe('BadRequestException');
      expect(error.status).toBe(400);
    }
    expect(searchError({ city: 'Seattle' }).message).toMatch(/City requires State/);
  });

  it('answers a non-US search by type with no numbers', () => {
    expect(
      new NumberInventory().search({ country: 'GB', phoneNumberType: 'Local' }).e164PhoneNumbers,
    ).toEqual([]);
  });
});
