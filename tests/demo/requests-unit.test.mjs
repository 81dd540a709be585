// Example Bank's transfer fields, without a server: amounts are checked and formatted from the
// text the user typed, so amounts whose cents are not exact in binary floating point (19.99,
// 1.15, 0.07) are accepted and shown exactly as typed.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { transferFields } from '../../demo/src/requests.mjs';

const base = { payee: 'ACME NV', iban: 'BE71 0961 2345 6769' };
const amountOf = (amount) => {
  const fields = transferFields({ ...base, amount });
  return typeof fields === 'string' ? fields : fields.find((f) => f.label === 'Amount').value;
};

test('valid amounts are accepted and formatted from the text, float-free', () => {
  for (const [typed, shown] of [
    ['19.99', 'EUR 19.99'], ['1.15', 'EUR 1.15'], ['0.07', 'EUR 0.07'], ['0.29', 'EUR 0.29'],
    ['4.35', 'EUR 4.35'], ['1250.5', 'EUR 1,250.50'], ['1250.00', 'EUR 1,250.00'], ['9800', 'EUR 9,800.00'],
    ['99', 'EUR 99.00'], ['1000000', 'EUR 1,000,000.00'], ['1000000.00', 'EUR 1,000,000.00'],
    ['123456.78', 'EUR 123,456.78'], ['007.5', 'EUR 7.50'], [' 12.3 ', 'EUR 12.30'], [19.99, 'EUR 19.99'],
  ]) {
    assert.equal(amountOf(typed), shown, `amount ${JSON.stringify(typed)}`);
  }
});

test('invalid amounts are refused with the amount sentence', () => {
  for (const typed of [
    '', ' ', '0', '0.00', '-5', '+5', '5.001', '1.', '.5', '1e3', '0x10', '1,000', '1 000', 'abc',
    'NaN', 'Infinity', '1000000.01', '99999999', '٣', undefined, null, {}, [], 5e-324,
  ]) {
    assert.match(amountOf(typed), /^amount: /, `amount ${JSON.stringify(typed)}`);
  }
});

test('the other fields still come out as before', () => {
  assert.deepEqual(transferFields({ ...base, iban: 'be71 0961 2345 6769', amount: '1250.5', reference: ' Invoice 7 ' }), [
    { label: 'Amount', value: 'EUR 1,250.50' },
    { label: 'Payee', value: 'ACME NV' },
    { label: 'IBAN', value: 'BE71 0961 2345 6769' },
    { label: 'Reference', value: 'Invoice 7' },
  ]);
  assert.match(transferFields({ ...base, amount: '5', iban: 'not an iban' }), /^iban: /);
});
