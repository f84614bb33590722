/** The backoffice's words, Portuguese first; a page asks for them by key. */
export type Lang = 'pt' | 'en';

const TEXTS = {
  title: { pt: 'Faturador — backoffice', en: 'Faturador — backoffice' },
  skip: { pt: 'Saltar para o conteúdo', en: 'Skip to content' },
  overview: { pt: 'Resumo', en: 'Overview' },
  requests: { pt: 'Pedidos', en: 'Requests' },
  clients: { pt: 'Clientes e chaves', en: 'Clients and keys' },
  connections: { pt: 'Ligações Moloni', en: 'Moloni connections' },
  signIn: { pt: 'Entrar', en: 'Sign in' },
  signOut: { pt: 'Sair', en: 'Sign out' },
  email: { pt: 'E-mail', en: 'E-mail' },
  password: { pt: 'Palavra-passe', en: 'Password' },
  badCredentials: { pt: 'E-mail ou palavra-passe errados.', en: 'Wrong e-mail or password.' },
  rateLimited: {
    pt: 'Demasiadas tentativas falhadas. Tente de novo dentro de 15 minutos.',
    en: 'Too many failed attempts. Try again in 15 minutes.',
  },
  csrf: {
    pt: 'O formulário expirou ou não veio desta página. Volte atrás, recarregue e tente de novo.',
    en: 'The form expired or did not come from this site. Go back, reload and try again.',
  },
  forbidden: { pt: 'O seu perfil não permite esta ação.', en: 'Your role does not allow this action.' },
  notFound: { pt: 'Não encontrado.', en: 'Not found.' },
  signedInAs: { pt: 'Sessão de', en: 'Signed in as' },
  today: { pt: 'Hoje', en: 'Today' },
  last7: { pt: 'Últimos 7 dias', en: 'Last 7 days' },
  needsAttention: { pt: 'Precisa de atenção', en: 'Needs attention' },
  totalMismatchDrafts: {
    pt: 'Rascunhos com total diferente (TOTAL_MISMATCH)',
    en: 'Drafts with a different total (TOTAL_MISMATCH)',
  },
  failedDeliveries: { pt: 'Entregas falhadas ou recusadas', en: 'Failed or refused deliveries' },
  dl_pending: { pt: 'por entregar', en: 'pending' },
  dl_delivered: { pt: 'entregue', en: 'delivered' },
  dl_failed: { pt: 'falhou', en: 'failed' },
  dl_refused: { pt: 'recusada', en: 'refused' },
  dl_none: { pt: 'sem entrega', en: 'none' },
  queue: { pt: 'Fila e workers', en: 'Queue and workers' },
  workers: { pt: 'Workers ativos', en: 'Workers alive' },
  lastErrors: { pt: 'Último erro por ligação', en: 'Last error per connection' },
  none: { pt: 'Nada.', en: 'Nothing.' },
  state: { pt: 'Estado', en: 'State' },
  st_queued: { pt: 'Pendente', en: 'Pending' },
  st_issuing: { pt: 'Em processamento', en: 'Processing' },
  st_issued: { pt: 'Concluído', en: 'Completed' },
  st_failed: { pt: 'Falhou', en: 'Failed' },
  all: { pt: 'Todos', en: 'All' },
  client: { pt: 'Cliente', en: 'Client' },
  origin: { pt: 'Origem', en: 'Origin' },
  docType: { pt: 'Tipo de documento', en: 'Document type' },
  from: { pt: 'De', en: 'From' },
  to: { pt: 'Até', en: 'To' },
  search: { pt: 'Pesquisar', en: 'Search' },
  searchHint: {
    pt: 'Referência, NIF, nome do cliente ou número do documento',
    en: 'Reference, NIF, customer name or document number',
  },
  filter: { pt: 'Filtrar', en: 'Filter' },
  csv: { pt: 'Exportar CSV', en: 'Export CSV' },
  next: { pt: 'Página seguinte', en: 'Next page' },
  created: { pt: 'Criado', en: 'Created' },
  reference: { pt: 'Referência', en: 'Reference' },
  customer: { pt: 'Cliente final', en: 'Customer' },
  total: { pt: 'Total', en: 'Total' },
  number: { pt: 'Número', en: 'Number' },
  error: { pt: 'Erro', en: 'Error' },
  noRequests: { pt: 'Nenhum pedido corresponde.', en: 'No request matches.' },
  truncated: {
    pt: 'A pesquisa por nome viu só os primeiros 5000 nomes: refine-a.',
    en: 'The name search looked at the first 5000 names only: narrow it.',
  },
  request: { pt: 'Pedido', en: 'Request' },
  body: { pt: 'Pedido como validado', en: 'The request as validated' },
  timeline: { pt: 'Cronologia', en: 'Timeline' },
  document: { pt: 'Documento', en: 'Document' },
  pdf: { pt: 'Abrir o PDF', en: 'Open the PDF' },
  delivery: { pt: 'Entrega', en: 'Delivery' },
  actions: { pt: 'Ações', en: 'Actions' },
  retry: { pt: 'Repetir o pedido', en: 'Retry the request' },
  redeliver: { pt: 'Entregar de novo', en: 'Deliver again' },
  attempts: { pt: 'Tentativas', en: 'Attempts' },
  nextAttempt: { pt: 'Próxima tentativa', en: 'Next attempt' },
  lastError: { pt: 'Último erro', en: 'Last error' },
  liveHint: {
    pt: 'Esta página atualiza-se sozinha enquanto o pedido avança.',
    en: 'This page updates itself while the request progresses.',
  },
  refresh: { pt: 'Atualizar', en: 'Refresh' },
  retried: { pt: 'Pedido repetido.', en: 'Request retried.' },
  redelivered: { pt: 'Entrega pedida de novo.', en: 'Delivery requested again.' },
  createClient: { pt: 'Criar cliente', en: 'Create client' },
  clientId: { pt: 'Id do cliente', en: 'Client id' },
  name: { pt: 'Nome', en: 'Name' },
  connection: { pt: 'Ligação Moloni', en: 'Moloni connection' },
  keys: { pt: 'Chaves', en: 'Keys' },
  createKey: { pt: 'Criar chave', en: 'Create key' },
  rotate: { pt: 'Rodar o segredo', en: 'Rotate the secret' },
  revoke: { pt: 'Revogar', en: 'Revoke' },
  revoked: { pt: 'revogada', en: 'revoked' },
  allowlist: {
    pt: 'IPs permitidos (um por linha; vazio = todos)',
    en: 'Allowed IPs (one a line; empty = any)',
  },
  signedOnly: { pt: 'Só pedidos assinados', en: 'Signed requests only' },
  save: { pt: 'Guardar', en: 'Save' },
  capabilities: { pt: 'Capacidades', en: 'Capabilities' },
  slackTeam: {
    pt: 'Workspace Slack onde pode entregar (id da equipa, vazio = nenhum)',
    en: 'Slack workspace it may deliver to (team id, empty = none)',
  },
  secretOnce: {
    pt: 'Guarde este segredo agora: não volta a ser mostrado.',
    en: 'Store this secret now: it is not shown again.',
  },
  addConnection: { pt: 'Adicionar ligação Moloni', en: 'Add a Moloni connection' },
  testConnection: { pt: 'Testar a ligação', en: 'Test the connection' },
  companyChosen: { pt: 'Empresa escolhida', en: 'Company chosen' },
  kind: { pt: 'Tipo', en: 'Kind' },
  baseUrl: { pt: 'URL da API', en: 'API URL' },
  companyId: { pt: 'Id da empresa (opcional)', en: 'Company id (optional)' },
  testFailed: { pt: 'O teste falhou', en: 'The test failed' },
  by: { pt: 'por', en: 'by' },
  moloniCalls: { pt: 'Chamadas ao Moloni', en: 'Moloni calls' },
  noCalls: { pt: 'Nenhuma chamada ao Moloni registada.', en: 'No Moloni call recorded.' },
  when: { pt: 'Quando', en: 'When' },
  attempt: { pt: 'Tentativa', en: 'Attempt' },
  endpoint: { pt: 'Método', en: 'Endpoint' },
  outcome: { pt: 'Resultado', en: 'Outcome' },
  httpStatus: { pt: 'HTTP', en: 'HTTP' },
  duration: { pt: 'Duração', en: 'Duration' },
  callOk: { pt: 'ok', en: 'ok' },
  jobIssue: { pt: 'emissão', en: 'issue' },
  jobLifecycle: { pt: 'ação', en: 'action' },
} as const;

export type TextKey = keyof typeof TEXTS;

export function translator(lang: Lang): (key: TextKey) => string {
  return (key) => TEXTS[key][lang];
}

export function deliveryLabel(lang: Lang, state: string): string {
  const key = `dl_${state}` as TextKey;
  return key in TEXTS ? TEXTS[key][lang] : state;
}

export function stateLabel(lang: Lang, state: string): string {
  const key = `st_${state}` as TextKey;
  return key in TEXTS ? TEXTS[key][lang] : state;
}
