/**
 * Which numbers an agent may send a caller to, or call out to: a valid E.164 number in the same country
 * as the tenant's own number, and not a premium-rate or shared-cost line. Toll fraud through a contact
 * center's transfer and outbound features is a classic; the narrow default keeps a stolen agent login
 * from dialling premium lines abroad on the tenant's account.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { ValidationError } from '../errors.ts';

const E164 = /^\+[1-9]\d{1,14}$/;
const REFUSED_TYPES = new Set(['PREMIUM_RATE', 'SHARED_COST']);

/** The number as E.164, or a 400 saying why it may not be dialled from `ownNumber`. */
export function dialableNumber(input: unknown, ownNumber: string): string {
  if (typeof input !== 'string' || !E164.test(input))
    throw new ValidationError('the number must be in E.164 form, such as +14255550123');
  const number = parsePhoneNumberFromString(input);
  if (number === undefined || !number.isValid()) throw new ValidationError(`${input} is not a valid number`);
  const own = parsePhoneNumberFromString(ownNumber);
  if (own !== undefined && own.countryCallingCode !== number.countryCallingCode)
    throw new ValidationError(
      `${input} is outside this contact center's country (+${own.countryCallingCode}): international calls are not allowed`,
    );
  const type = number.getType();
  if (type !== undefined && REFUSED_TYPES.has(type))
    throw new ValidationError(
      `${input} is a ${type.toLowerCase().replace('_', '-')} number, which may not be dialled`,
    );
  return number.number;
}
