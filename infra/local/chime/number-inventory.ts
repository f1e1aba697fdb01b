/**
 * The phone numbers the local Chime SDK Voice service has for sale: a fixed, deterministic pool in the
 * fictional 555-01xx range (never a real subscriber), searched by the rules of spec §5.3. A number
 * taken by an order is never offered again.
 */
import { badRequest, pageSize, paginate } from './rest-json.ts';

export type PhoneNumberType = 'Local' | 'TollFree';

export interface PoolNumber {
  readonly e164: string;
  readonly type: PhoneNumberType;
  readonly country: 'US';
  /** The area code of a local number, the toll-free prefix of a toll-free one. */
  readonly npa: string;
  readonly city?: string;
  readonly state?: string;
}

/** SearchAvailablePhoneNumbers' query, with the model's member names. */
export interface NumberSearch {
  readonly areaCode?: string;
  readonly city?: string;
  readonly state?: string;
  readonly country?: string;
  readonly tollFreePrefix?: string;
  readonly phoneNumberType?: string;
  readonly maxResults?: number;
  readonly nextToken?: string;
}

export interface NumberSearchResult {
  readonly e164PhoneNumbers: string[];
  readonly nextToken?: string;
}

export const LOCAL_AREAS: readonly { areaCode: string; city: string; state: string }[] = [
  { areaCode: '206', city: 'Seattle', state: 'WA' },
  { areaCode: '212', city: 'New York', state: 'NY' },
  { areaCode: '312', city: 'Chicago', state: 'IL' },
  { areaCode: '415', city: 'San Francisco', state: 'CA' },
];

export const TOLL_FREE_PREFIXES: readonly string[] = ['800', '833', '844', '855', '866', '877', '888'];

const TOLL_FREE_PREFIX = /^8(00|33|44|55|66|77|88)$/;
const COUNTRY = /^[A-Z]{2}$/;
const PHONE_NUMBER_TYPES: readonly string[] = ['Local', 'TollFree'];
const MAX_SEARCH_RESULTS = 500;
const DEFAULT_SEARCH_RESULTS = 100;

/** +1 NPA 555 0100 … 0199: the range set aside for fiction. */
function fictionalRange(npa: string): string[] {
  return Array.from({ length: 100 }, (_, i) => `+1${npa}55501${String(i).padStart(2, '0')}`);
}

function buildPool(): PoolNumber[] {
  const local = LOCAL_AREAS.flatMap(({ areaCode, city, state }) =>
    fictionalRange(areaCode).map(
      (e164): PoolNumber => ({ e164, type: 'Local', country: 'US', npa: areaCode, city, state }),
    ),
  );
  const tollFree = TOLL_FREE_PREFIXES.flatMap((prefix) =>
    fictionalRange(prefix).map(
      (e164): PoolNumber => ({ e164, type: 'TollFree', country: 'US', npa: prefix }),
    ),
  );
  return [...local, ...tollFree].sort((a, b) => (a.e164 < b.e164 ? -1 : 1));
}

export class NumberInventory {
  private readonly pool = buildPool();
  private readonly byNumber = new Map(this.pool.map((n) => [n.e164, n]));
  private readonly taken = new Set<string>();

  /** The pool's entry for a number, whether or not it is still available. */
  lookup(e164: string): PoolNumber | undefined {
    return this.byNumber.get(e164);
  }

  isAvailable(e164: string): boolean {
    return this.byNumber.has(e164) && !this.taken.has(e164);
  }

  /** Reserves a number for an order; false if it is not in the pool or already taken. */
  take(e164: string): boolean {
    if (!this.isAvailable(e164)) return false;
    this.taken.add(e164);
    return true;
  }

  search(query: NumberSearch): NumberSearchResult {
    const limit = pageSize(query.maxResults, MAX_SEARCH_RESULTS, DEFAULT_SEARCH_RESULTS);
    const matches = matcherFor(query);
    const available = this.pool.filter((n) => !this.taken.has(n.e164) && matches(n));
    const page = paginate(available, (n) => n.e164, limit, query.nextToken);
    return {
      e164PhoneNumbers: page.items.map((n) => n.e164),
      ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }),
    };
  }
}

/** Checks the query against the documented rules and returns the filter it describes. */
function matcherFor(query: NumberSearch): (n: PoolNumber) => boolean {
  const country = query.country ?? 'US';
  if (!COUNTRY.test(country)) throw badRequest('Country must be an ISO 3166-1 alpha-2 code such as US');
  const type = query.phoneNumberType;
  if (type !== undefined && !PHONE_NUMBER_TYPES.includes(type))
    throw badRequest('PhoneNumberType must be Local or TollFree');
  const prefix = query.tollFreePrefix;
  if (prefix !== undefined && !TOLL_FREE_PREFIX.test(prefix))
    throw badRequest('TollFreePrefix must match ^8(00|33|44|55|66|77|88)$');
  const located = [query.areaCode, query.city, query.state, prefix].some((v) => v !== undefined);
  if (country !== 'US') {
    if (type === undefined) throw badRequest('PhoneNumberType is required when Country is not US');
    if (located)
      throw badRequest(
        'Outside the US, only PhoneNumberType can narrow a search (not AreaCode, City, State)',
      );
    return () => false; // the pool holds US numbers only
  }
  if (!located) throw badRequest('A US search needs at least one of AreaCode, City, State or TollFreePrefix');
  if (query.city !== undefined && query.state === undefined) throw badRequest('City requires State');
  return (n) =>
    (type === undefined || n.type === type) &&
    (query.areaCode === undefined || (n.type === 'Local' && n.npa === query.areaCode)) &&
    (query.state === undefined || n.state?.toUpperCase() === query.state.toUpperCase()) &&
    (query.city === undefined || n.city?.toLowerCase() === query.city.toLowerCase()) &&
    (prefix === undefined || (n.type === 'TollFree' && n.npa === prefix));
}
