import { parseArgs } from 'node:util';
import { ADMIN_ROLES, type AdminRole, createAdminStore } from '@faturador/store';
import { type CliDeps, type CommandOutput, parsing, positionals, table, UsageError } from '../context.ts';

export const ADMINS_USAGE = `faturador admins create <email> --role viewer|operator|admin [--password <p>]
                        (a backoffice user; without --password, one is generated and printed once)
faturador admins list`;

async function create(deps: CliDeps, args: string[]): Promise<CommandOutput> {
  const parsed = parsing(() =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: { role: { type: 'string' }, password: { type: 'string' } },
    }),
  );
  const [email = ''] = positionals(parsed.positionals, ['email'], 'admins create');
  const role = parsed.values.role;
  if (!role || !(ADMIN_ROLES as readonly string[]).includes(role))
    throw new UsageError(`admins create: --role must be one of ${ADMIN_ROLES.join(', ')}`);
  const admins = createAdminStore({ redis: deps.redis, prefix: deps.prefix });
  const { user, password } = await admins.create({
    email,
    role: role as AdminRole,
    ...(parsed.values.password ? { password: parsed.values.password } : {}),
  });
  const shown = parsed.values.password ? '' : `\nPassword (shown once, only its hash is stored): ${password}`;
  return {
    text: `Created backoffice user ${user.email} (${user.role}).${shown}\nSign in at <API URL>/admin/`,
    data: { email: user.email, role: user.role, ...(parsed.values.password ? {} : { password }) },
  };
}

export async function adminsCommand(
  deps: CliDeps,
  action: string | undefined,
  args: string[],
): Promise<CommandOutput> {
  if (action === 'create') return create(deps, args);
  if (action === 'list') {
    parsing(() => parseArgs({ args, strict: true, options: {} }));
    const users = await createAdminStore({ redis: deps.redis, prefix: deps.prefix }).list();
    const rows = users.map((user) => [user.email, user.role, user.createdAt]);
    return {
      text: rows.length ? table([['EMAIL', 'ROLE', 'CREATED'], ...rows]) : 'No backoffice users.',
      data: users,
    };
  }
  throw new UsageError(`unknown command: admins ${action ?? ''}`.trim());
}
