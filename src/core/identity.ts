import type { Channel, CustomerIdentity, Identity } from './schemas.js';

/** Lower-cased, trimmed email address. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * A phone number in E.164 form. Numbers without a country code are read as `defaultCountryCode` numbers:
 * "040 012 3456" → "+358400123456". "00" international prefixes become "+".
 * @param defaultCountryCode digits only. @default "358" (Finland)
 */
export function normalizePhone(phone: string, defaultCountryCode = '358'): string {
  const digits = phone.replace(/[^\d+]/g, '');
  if (digits.startsWith('+')) return `+${digits.slice(1).replace(/\+/g, '')}`;
  if (digits.startsWith('00')) return `+${digits.slice(2)}`;
  if (digits.startsWith('0')) return `+${defaultCountryCode}${digits.slice(1)}`;
  return `+${defaultCountryCode}${digits}`;
}

/** A social handle qualified by its network, since "@maija" on X and on Instagram may be different people. */
export function normalizeHandle(handle: string, channel: Channel): string {
  const bare = handle.trim().toLowerCase().replace(/^@/, '');
  return `${channel}:@${bare}`;
}

/** Every identity a message carries, normalised, in a fixed order (external id, email, phone, handle). */
export function identitiesOf(customer: CustomerIdentity | undefined, channel: Channel): Identity[] {
  if (!customer) return [];
  const identities: Identity[] = [];
  if (customer.id) identities.push({ kind: 'external', value: customer.id });
  if (customer.email) identities.push({ kind: 'email', value: normalizeEmail(customer.email) });
  if (customer.phone) identities.push({ kind: 'phone', value: normalizePhone(customer.phone) });
  if (customer.handle) identities.push({ kind: 'handle', value: normalizeHandle(customer.handle, channel) });
  return identities;
}

/** A map key for an identity. */
export function identityKey(identity: Identity): string {
  return `${identity.kind}:${identity.value}`;
}
