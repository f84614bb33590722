// Faturador — the "Run a script" action of an Airtable automation that invoices a record.
//
// Set up (see apps/airtable/README.md):
//   Trigger: "When a record matches conditions", table Reservas, Estado = "Pronto a faturar".
//   Action:  "Run a script" with this script and one input variable on the left:
//              recordId → the trigger's "Airtable record ID".
//
// The script only asks Faturador to issue the record; Faturador reads the record itself with the
// base's token, issues the invoice once (however often this runs) and writes status, number, PDF
// link or the error back to the record.
//
// The key below is visible to everyone who can edit this base's automations. Use a record-trigger
// key (scope record-triggers:write): it can only ask for records of this base to be issued, and it
// can be revoked with `faturador keys revoke` without touching anything else.
//
// Optionally the same script cancels (credit note) or records a payment (receipt) for a record
// that was issued: input variables `action` = "credit_note" or "receipt", `requestId` = the
// record's "ID do pedido" field (Faturador writes it when it issues), and `reason` (credit note) or
// `amount` (receipt; empty = the whole open amount). Those calls need a billing key (scope
// invoices:write) in BILLING_*: it can issue any invoice of its client, so fill it in only if the
// people who edit this base's automations may hold it, and leave it empty otherwise.

const FATURADOR_URL = 'https://billing.example.pt';
const CLIENT_ID = 'bookings_ops';
const API_KEY = 'ak_REPLACE_WITH_THE_TRIGGER_KEY_ID';
const API_SECRET = 'as_REPLACE_WITH_THE_TRIGGER_KEY_SECRET';
const TABLE_NAME = 'Reservas';
// Only for `action` credit_note / receipt (see above); and the fields the outcome is written to.
const BILLING_CLIENT_ID = '';
const BILLING_API_KEY = '';
const BILLING_API_SECRET = '';
const FIELDS = {
  status: 'Estado',
  creditNote: 'Nº nota de crédito',
  receipt: 'Nº recibo',
  openAmount: 'Em dívida',
};
const STATUS = { credited: 'Anulado', paid: 'Pago' };

const { recordId, action = 'issue', requestId = '', reason = '', amount = '' } = input.config();
const table = base.getTable(TABLE_NAME);

/** A short digest of the reason: the same record and reason replay the same credit note. */
function digest(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

async function act() {
  if (!BILLING_CLIENT_ID || !BILLING_API_KEY || !BILLING_API_SECRET) {
    throw new Error(`Faturador: "${action}" needs the billing key (BILLING_*) filled in this script.`);
  }
  if (!/^req_[0-9a-f]{16}$/.test(requestId)) {
    throw new Error('Faturador: set the input variable requestId to the record\'s "ID do pedido" field.');
  }
  const paid = String(amount).trim().replace(',', '.');
  const body =
    action === 'credit_note' ? { reason: String(reason).trim() } : paid ? { amount: Number(paid) } : {};
  // A re-run for the same record (and reason, or amount and day) replays the same document.
  const key =
    action === 'credit_note'
      ? `airtable:${recordId}:nc:${digest(body.reason)}`
      : `airtable:${recordId}:rc:${paid || 'all'}:${new Date().toISOString().slice(0, 10)}`;
  const path = action === 'credit_note' ? 'credit-notes' : 'receipts';
  const response = await fetch(`${FATURADOR_URL}/api/v1/invoices/${requestId}/${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'Idempotency-Key': key,
      'X-Client-Id': BILLING_CLIENT_ID,
      'X-Api-Key': BILLING_API_KEY,
      'X-Api-Secret': BILLING_API_SECRET,
    },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (response.status !== 201) {
    throw new Error(`Faturador ${response.status} ${answer.error?.code}: ${answer.error?.message}`);
  }
  const number = answer.document?.number ?? '';
  const fields = {};
  if (action === 'credit_note') {
    if (FIELDS.creditNote) fields[FIELDS.creditNote] = number;
    if (answer.fully_credited && FIELDS.status) fields[FIELDS.status] = { name: STATUS.credited };
  } else {
    if (FIELDS.receipt) fields[FIELDS.receipt] = number;
    if (FIELDS.openAmount && typeof answer.open_amount === 'number')
      fields[FIELDS.openAmount] = answer.open_amount;
    if (answer.open_amount === 0 && FIELDS.status) fields[FIELDS.status] = { name: STATUS.paid };
  }
  await table.updateRecordAsync(recordId, fields);
  output.set('number', number);
  console.log(`${action === 'credit_note' ? 'Nota de crédito' : 'Recibo'}: ${number}`);
}

if (action === 'credit_note' || action === 'receipt') {
  await act();
} else if (action !== 'issue') {
  throw new Error(`Faturador: unknown action "${action}" (issue, credit_note or receipt).`);
} else {
  // Synchronous: the answer carries the number within Faturador's 10 s budget, well inside the 30 s
  // an automation script may run.
  const response = await fetch(`${FATURADOR_URL}/api/v1/record-triggers/airtable?wait=sync`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Client-Id': CLIENT_ID,
      'X-Api-Key': API_KEY,
      'X-Api-Secret': API_SECRET,
    },
    body: JSON.stringify({ base_id: base.id, table_id: table.id, record_id: recordId }),
  });
  const answer = await response.json();

  if (response.status === 201) {
    output.set('number', answer.document.number);
    output.set('pdf_url', answer.document.pdf_url);
    console.log(`Emitido: ${answer.document.number}`);
  } else if (
    response.status === 202 ||
    (response.status === 504 && answer.error?.details?.retry_with_same_idempotency_key)
  ) {
    // Still being issued: Faturador writes the result to the record when it is done.
    output.set('number', '');
    console.log('Em curso: o resultado será escrito no registo.');
  } else if (answer.error?.code === 'REFERENCE_ALREADY_ISSUED') {
    output.set('number', answer.error.details?.number ?? '');
    console.log(`Já faturado: ${answer.error.message}`);
  } else {
    // The record's error field already says what is wrong (for record data); failing the run makes
    // the automation's history show it too.
    throw new Error(`Faturador ${response.status} ${answer.error?.code}: ${answer.error?.message}`);
  }
}
