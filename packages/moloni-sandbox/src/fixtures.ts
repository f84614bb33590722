import type { RunningMoloniSandbox } from './server.ts';
import type { Customer } from './types.ts';

/**
 * Puts a customer straight into the sandbox's company, as if someone had created it in Moloni:
 * for tests of what the client finds there (duplicates, another name for the same NIF…).
 */
export function seedCustomer(
  running: RunningMoloniSandbox,
  fields: Partial<Customer> & { name: string; vat: string },
) {
  const { state } = running.sandbox;
  const customer: Customer = {
    customer_id: state.nextId('customer'),
    company_id: running.sandbox.companyId,
    number: String(900 + state.customers.size),
    language_id: 1,
    address: 'Rua Antiga 1',
    city: 'Porto',
    zip_code: '4000-001',
    country_id: 1,
    email: '',
    website: '',
    phone: '',
    fax: '',
    contact_name: '',
    contact_email: '',
    contact_phone: '',
    notes: '',
    salesman_id: 0,
    price_class_id: 0,
    maturity_date_id: 0,
    payment_day: 0,
    discount: 0,
    credit_limit: 0,
    payment_method_id: 0,
    delivery_method_id: 0,
    field_notes: '',
    ...fields,
  };
  state.customers.set(customer.customer_id, customer);
  return customer;
}
