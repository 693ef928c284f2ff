// `npm run --silent token -- --roles analyst,coordinator [--sub ID] [--department ID]`: prints a development token.
import { parseArgs } from 'node:util';
import { isRole, ROLES, type Role } from '@hc/service-kit';
import { signDevelopmentToken } from './auth.js';
import { DEVELOPMENT_JWT_SECRET } from './config.js';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  if (process.env.NODE_ENV === 'production') fail('Development tokens are refused when NODE_ENV=production.');
  const { values } = parseArgs({
    options: {
      roles: { type: 'string' },
      sub: { type: 'string', default: 'dev-employee' },
      department: { type: 'string' },
      'expires-in': { type: 'string', default: '12h' },
    },
    strict: true,
  });
  const roles = (values.roles ?? '')
    .split(',')
    .map((role) => role.trim())
    .filter((role) => role !== '');
  if (roles.length === 0) fail(`--roles is required: a comma-separated list of ${ROLES.join(', ')}`);
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) fail(`Unknown roles: ${unknown.join(', ')} (known: ${ROLES.join(', ')})`);
  const token = await signDevelopmentToken(
    { subject: values.sub, roles: roles as Role[], departmentId: values.department },
    process.env.JWT_SECRET || DEVELOPMENT_JWT_SECRET,
    values['expires-in'],
  );
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
