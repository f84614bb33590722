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

const FATURADOR_URL = 'https://billing.example.pt';
const CLIENT_ID = 'bookings_ops';
const API_KEY = 'ak_REPLACE_WITH_THE_TRIGGER_KEY_ID';
const API_SECRET = 'as_REPLACE_WITH_THE_TRIGGER_KEY_SECRET';
const TABLE_NAME = 'Reservas';

const { recordId } = input.config();
const table = base.getTable(TABLE_NAME);

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
