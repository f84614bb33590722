/**
 * The seed contract's example payload (its e-mail is elided in the seed; any address does): the
 * request the tests, the demos and `npm start`'s cURL all issue.
 */
export const SEED_EXAMPLE_BODY = {
  reference: 'TI-2026-05-18-0007',
  customer: {
    name: 'Eduardo Costa',
    vat_number: '509999999',
    email: 'eduardo.costa@example.pt',
    address: 'Rua do Campo Grande 45, Lisboa',
  },
  items: [{ product: 'mensalidade TheInventors', gross_price: 10.0, vat_rate: 23 }],
};
