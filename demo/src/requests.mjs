// What the bank asks the user to confirm: the transfer's fields exactly as they will be
// shown on the phone and signed, and a readable browser name for the context.

const IBAN = /^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/;
// Euros and cents checked and formatted from the text itself, never through a float: 19.99 * 100
// is 1998.9999999999998 in binary floating point, which refused real amounts. Seven digits
// before the point are enough for the 1,000,000 limit.
const AMOUNT = /^(\d{1,7})(?:\.(\d{1,2}))?$/;
const MAX_CENTS = 100_000_000;

/** "EUR 1,250.50" for a valid amount ("1250.5"), or null. */
function euros(amount) {
  const text = typeof amount === 'string' || typeof amount === 'number' ? String(amount).trim() : '';
  const match = AMOUNT.exec(text);
  if (!match) return null;
  const whole = String(Number(match[1])); // at most 7 digits: exact, and without leading zeros
  const cents = (match[2] ?? '').padEnd(2, '0');
  const total = Number(whole) * 100 + Number(cents); // integers well below 2^53: exact
  if (total <= 0 || total > MAX_CENTS) return null;
  return `EUR ${whole.replace(/\B(?=(\d{3})+$)/g, ',')}.${cents}`;
}

/** The sign fields of a transfer, or a sentence saying what is wrong. */
export function transferFields({ amount, payee, iban, reference }) {
  const shown = euros(amount);
  if (shown === null) return 'amount: a positive number of euros with at most two decimals';
  if (typeof payee !== 'string' || !payee.trim() || payee.length > 70) return 'payee: 1–70 characters';
  const compact = typeof iban === 'string' ? iban.replace(/\s+/g, '').toUpperCase() : '';
  if (!IBAN.test(compact)) return 'iban: an IBAN such as BE71 0961 2345 6769';
  const fields = [
    { label: 'Amount', value: shown },
    { label: 'Payee', value: payee.trim() },
    { label: 'IBAN', value: compact.replace(/(.{4})/g, '$1 ').trim() },
  ];
  if (typeof reference === 'string' && reference.trim()) {
    if (reference.length > 140) return 'reference: at most 140 characters';
    fields.push({ label: 'Reference', value: reference.trim() });
  }
  return fields;
}

/** "Chrome on Linux" from a User-Agent, or "Unknown browser". */
export function browserFromUserAgent(ua) {
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome'
    : /Safari\//.test(ua) ? 'Safari' : null;
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS'
    : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : null;
  if (!browser) return 'Unknown browser';
  return os ? `${browser} on ${os}` : browser;
}
