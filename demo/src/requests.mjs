// What the bank asks the user to confirm: the transfer's fields exactly as they will be
// shown on the phone and signed, and a readable browser name for the context.

const IBAN = /^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/;

/** The sign fields of a transfer, or a sentence saying what is wrong. */
export function transferFields({ amount, payee, iban, reference }) {
  const value = Number(amount);
  if (!Number.isFinite(value) || value <= 0 || value > 1_000_000 || Math.round(value * 100) !== value * 100) {
    return 'amount: a positive number of euros with at most two decimals';
  }
  if (typeof payee !== 'string' || !payee.trim() || payee.length > 70) return 'payee: 1–70 characters';
  const compact = typeof iban === 'string' ? iban.replace(/\s+/g, '').toUpperCase() : '';
  if (!IBAN.test(compact)) return 'iban: an IBAN such as BE71 0961 2345 6769';
  const fields = [
    { label: 'Amount', value: `EUR ${value.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}` },
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
