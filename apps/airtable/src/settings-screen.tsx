import type { Table } from '@airtable/blocks/models';
import {
  Box,
  Button,
  FieldPickerSynced,
  FormField,
  Heading,
  InputSynced,
  TablePickerSynced,
  Text,
  useGlobalConfig,
} from '@airtable/blocks/ui';
import { CONFIG_KEYS, type ConfigProblem, FIELD_ROLES, type FieldRole, ROLE_SPECS } from './config.ts';

interface Props {
  table: Table | null;
  problems: ConfigProblem[];
  onDone: () => void;
}

function problemOf(problems: ConfigProblem[], key: ConfigProblem['key']): string | null {
  return problems.find((problem) => problem.key === key)?.message ?? null;
}

function Problem({ message }: { message: string | null }) {
  return message ? (
    <Text textColor="red" role="alert" marginTop={1}>
      {message}
    </Text>
  ) : null;
}

function FieldRow({ table, role, problems }: { table: Table; role: FieldRole; problems: ConfigProblem[] }) {
  const spec = ROLE_SPECS[role];
  return (
    <FormField label={`${spec.label}${spec.required ? ' *' : ''}`} marginBottom={2}>
      <FieldPickerSynced
        table={table}
        globalConfigKey={[CONFIG_KEYS.fields, role]}
        allowedTypes={spec.types as never}
        shouldAllowPickingNone={!spec.required}
        placeholder="(nenhum)"
        aria-label={spec.label}
      />
      <Problem message={problemOf(problems, role)} />
    </FormField>
  );
}

/**
 * The mapping is kept in globalConfig, readable by every collaborator: nothing here is a secret
 * except the record-trigger key, which can only ask the backend to issue a record of this base.
 */
export function SettingsScreen({ table, problems, onDone }: Props) {
  const globalConfig = useGlobalConfig();
  const canEdit = globalConfig.hasPermissionToSet(CONFIG_KEYS.tableId);
  return (
    <Box padding={3}>
      <Heading>Definições do Faturador</Heading>
      {!canEdit && <Text marginBottom={2}>Só quem pode editar a base pode mudar estas definições.</Text>}
      <FormField label="Tabela das reservas *">
        <TablePickerSynced globalConfigKey={CONFIG_KEYS.tableId} aria-label="Tabela" />
        <Problem message={problemOf(problems, 'table')} />
      </FormField>
      {table && (
        <>
          <Heading size="small">Dados da fatura</Heading>
          {FIELD_ROLES.filter((role) => !ROLE_SPECS[role].result).map((role) => (
            <FieldRow key={role} table={table} role={role} problems={problems} />
          ))}
          <Heading size="small">Resultado (escrito pelo Faturador)</Heading>
          {FIELD_ROLES.filter((role) => ROLE_SPECS[role].result).map((role) => (
            <FieldRow key={role} table={table} role={role} problems={problems} />
          ))}
        </>
      )}
      <Heading size="small">Ligação ao Faturador</Heading>
      <FormField label="Endereço do Faturador">
        <InputSynced
          globalConfigKey={CONFIG_KEYS.backendUrl}
          placeholder="https://billing.example.pt"
          aria-label="Endereço"
        />
        <Problem message={problemOf(problems, 'backendUrl')} />
      </FormField>
      <Text marginBottom={2} textColor="light">
        Use uma chave de acionamento (âmbito record-triggers:write): qualquer colaborador da base a pode ler,
        e ela só permite pedir a faturação de um registo desta base.
      </Text>
      <FormField label="Client ID">
        <InputSynced globalConfigKey={CONFIG_KEYS.clientId} aria-label="Client ID" />
      </FormField>
      <FormField label="API key">
        <InputSynced globalConfigKey={CONFIG_KEYS.apiKey} aria-label="API key" />
      </FormField>
      <FormField label="Segredo da chave">
        <InputSynced globalConfigKey={CONFIG_KEYS.apiSecret} type="password" aria-label="Segredo" />
        <Problem message={problemOf(problems, 'credentials')} />
      </FormField>
      <Heading size="small">Valores do estado</Heading>
      <FormField label="Emitido">
        <InputSynced
          globalConfigKey={CONFIG_KEYS.issuedStatus}
          placeholder="Emitido"
          aria-label="Estado emitido"
        />
      </FormField>
      <FormField label="A emitir">
        <InputSynced
          globalConfigKey={CONFIG_KEYS.issuingStatus}
          placeholder="A emitir"
          aria-label="Estado a emitir"
        />
      </FormField>
      <FormField label="Rascunho">
        <InputSynced
          globalConfigKey={CONFIG_KEYS.draftStatus}
          placeholder="Rascunho"
          aria-label="Estado rascunho"
        />
      </FormField>
      <FormField label="Erro">
        <InputSynced globalConfigKey={CONFIG_KEYS.failedStatus} placeholder="Erro" aria-label="Estado erro" />
      </FormField>
      <FormField label="Anulado (nota de crédito)">
        <InputSynced
          globalConfigKey={CONFIG_KEYS.creditedStatus}
          placeholder="Anulado"
          aria-label="Estado anulado"
        />
      </FormField>
      <FormField label="Pago">
        <InputSynced globalConfigKey={CONFIG_KEYS.paidStatus} placeholder="Pago" aria-label="Estado pago" />
      </FormField>
      <Button variant="primary" onClick={onDone} disabled={problems.length > 0}>
        {problems.length > 0 ? `Faltam ${problems.length} definições` : 'Concluído'}
      </Button>
    </Box>
  );
}
