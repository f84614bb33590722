/**
 * The extension's settings live in globalConfig, which every collaborator of the base can read:
 * so they hold only ids, a URL and a record-trigger key, which can ask the backend to issue a
 * record of this base and nothing else. The backend keeps its own copy of the mapping (with the
 * base's token); this one lets the extension show and check the record before asking.
 */
export const FIELD_ROLES = [
  'customerName',
  'nif',
  'email',
  'address',
  'description',
  'grossAmount',
  'vatRate',
  'location',
  'documentType',
  'checkIn',
  'checkOut',
  'commission',
  'status',
  'number',
  'pdfUrl',
  'error',
  'issuedAt',
  'requestId',
  'documentId',
  'creditNoteNumber',
  'receiptNumber',
  'openAmount',
] as const;
export type FieldRole = (typeof FIELD_ROLES)[number];

const TEXT = [
  'singleLineText',
  'multilineText',
  'richText',
  'formula',
  'multipleLookupValues',
  'rollup',
  'aiText',
];
const NUMERIC = ['number', 'currency', 'percent', 'formula', 'rollup', 'multipleLookupValues'];
const DATES = ['date', 'dateTime', 'formula', 'multipleLookupValues', 'rollup'];

export interface RoleSpec {
  label: string;
  required: boolean;
  /** Field types that read (or, for result fields, can be written) as this part of the invoice. */
  types: readonly string[];
  /** Written by the backend: a computed field cannot take it. */
  result?: boolean;
}

export const ROLE_SPECS: Record<FieldRole, RoleSpec> = {
  customerName: { label: 'Nome do cliente', required: true, types: [...TEXT, 'singleSelect'] },
  nif: { label: 'NIF', required: false, types: [...TEXT, 'number'] },
  email: { label: 'E-mail', required: false, types: ['email', ...TEXT] },
  address: { label: 'Morada', required: false, types: TEXT },
  description: { label: 'Descrição', required: false, types: TEXT },
  grossAmount: { label: 'Valor bruto', required: true, types: NUMERIC },
  vatRate: { label: 'Taxa de IVA', required: false, types: [...NUMERIC, 'singleSelect'] },
  location: {
    label: 'Zona fiscal ou localização do imóvel',
    required: false,
    types: ['singleSelect', ...TEXT],
  },
  documentType: { label: 'Tipo de documento', required: false, types: ['singleSelect', ...TEXT] },
  checkIn: { label: 'Check-in', required: false, types: DATES },
  checkOut: { label: 'Check-out', required: false, types: DATES },
  commission: { label: 'Comissão da plataforma', required: false, types: NUMERIC },
  status: { label: 'Estado', required: true, types: ['singleSelect', 'singleLineText'], result: true },
  number: { label: 'Número do documento', required: false, types: ['singleLineText'], result: true },
  pdfUrl: { label: 'Ligação do PDF', required: false, types: ['url', 'singleLineText'], result: true },
  error: { label: 'Erro', required: false, types: ['multilineText', 'singleLineText'], result: true },
  issuedAt: {
    label: 'Emitido em',
    required: false,
    types: ['dateTime', 'date', 'singleLineText'],
    result: true,
  },
  requestId: {
    label: 'ID do pedido no Faturador',
    required: false,
    types: ['singleLineText'],
    result: true,
  },
  documentId: {
    label: 'ID do documento no Moloni (também de um rascunho)',
    required: false,
    types: ['singleLineText', 'number'],
    result: true,
  },
  creditNoteNumber: {
    label: 'Número da nota de crédito',
    required: false,
    types: ['singleLineText'],
    result: true,
  },
  receiptNumber: { label: 'Número do recibo', required: false, types: ['singleLineText'], result: true },
  openAmount: { label: 'Valor em dívida', required: false, types: ['currency', 'number'], result: true },
};

export const CONFIG_KEYS = {
  tableId: 'tableId',
  fields: 'fields',
  backendUrl: 'backendUrl',
  clientId: 'clientId',
  apiKey: 'apiKey',
  apiSecret: 'apiSecret',
  issuedStatus: 'issuedStatus',
  issuingStatus: 'issuingStatus',
  draftStatus: 'draftStatus',
  failedStatus: 'failedStatus',
  creditedStatus: 'creditedStatus',
  paidStatus: 'paidStatus',
} as const;

export interface ExtensionConfig {
  tableId: string;
  fields: Partial<Record<FieldRole, string>>;
  backendUrl: string;
  clientId: string;
  apiKey: string;
  apiSecret: string;
  statuses: {
    issued: string;
    issuing: string;
    draft: string;
    failed: string;
    credited: string;
    paid: string;
  };
}

/** The subset of a Field the checks need (the SDK's Field has these). */
export interface FieldLike {
  id: string;
  name: string;
  type: string;
}

export interface TableLike {
  getFieldByIdIfExists(fieldId: string): FieldLike | null;
}

type Read = (key: string | readonly string[]) => unknown;

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

export function readConfig(read: Read): ExtensionConfig {
  const fields: Partial<Record<FieldRole, string>> = {};
  for (const role of FIELD_ROLES) {
    const id = text(read([CONFIG_KEYS.fields, role]));
    if (id) fields[role] = id;
  }
  return {
    tableId: text(read(CONFIG_KEYS.tableId)),
    fields,
    backendUrl: text(read(CONFIG_KEYS.backendUrl)).replace(/\/+$/, ''),
    clientId: text(read(CONFIG_KEYS.clientId)),
    apiKey: text(read(CONFIG_KEYS.apiKey)),
    apiSecret: text(read(CONFIG_KEYS.apiSecret)),
    statuses: {
      issued: text(read(CONFIG_KEYS.issuedStatus)) || 'Emitido',
      issuing: text(read(CONFIG_KEYS.issuingStatus)) || 'A emitir',
      draft: text(read(CONFIG_KEYS.draftStatus)) || 'Rascunho',
      failed: text(read(CONFIG_KEYS.failedStatus)) || 'Erro',
      credited: text(read(CONFIG_KEYS.creditedStatus)) || 'Anulado',
      paid: text(read(CONFIG_KEYS.paidStatus)) || 'Pago',
    },
  };
}

export interface ConfigProblem {
  /** A field role, or the name of another setting. */
  key: FieldRole | 'table' | 'backendUrl' | 'credentials';
  message: string;
}

/** Everything that stops the extension from issuing, in words for the settings screen. */
export function checkConfig(config: ExtensionConfig, table: TableLike | null): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!table) {
    problems.push({ key: 'table', message: 'Escolha a tabela das reservas a faturar.' });
  } else {
    for (const role of FIELD_ROLES) {
      const spec = ROLE_SPECS[role];
      const id = config.fields[role];
      if (!id) {
        if (spec.required) problems.push({ key: role, message: `Escolha o campo «${spec.label}».` });
        continue;
      }
      const field = table.getFieldByIdIfExists(id);
      if (!field) {
        problems.push({ key: role, message: `O campo de «${spec.label}» já não existe na tabela.` });
      } else if (!spec.types.includes(field.type)) {
        const why = spec.result ? 'não pode ser escrito pelo Faturador' : 'não tem um tipo adequado';
        problems.push({
          key: role,
          message: `O campo «${field.name}» (${field.type}) ${why} para «${spec.label}».`,
        });
      }
    }
  }
  if (!/^https:\/\/[^\s/]+|^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?/.test(config.backendUrl)) {
    problems.push({ key: 'backendUrl', message: 'Indique o endereço do Faturador (https://…).' });
  }
  if (!config.clientId || !config.apiKey || !config.apiSecret) {
    problems.push({
      key: 'credentials',
      message: 'Indique o Client ID, a API key e o segredo da chave de acionamento.',
    });
  }
  return problems;
}
