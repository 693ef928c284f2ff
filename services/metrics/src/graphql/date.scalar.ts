// The `Date` scalar: a company-local calendar date, `YYYY-MM-DD`.
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { isCalendarDate } from '../calendar.js';

function parseDate(value: unknown): string {
  if (!isCalendarDate(value)) {
    throw new GraphQLError(
      `Date must be an existing calendar day as YYYY-MM-DD, got ${JSON.stringify(value)}`,
      {
        extensions: { code: 'BAD_USER_INPUT' },
      },
    );
  }
  return value;
}

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description:
    'A company-local calendar date, YYYY-MM-DD (time zone COMPANY_TIME_ZONE, default Europe/Moscow).',
  serialize: (value) => parseDate(value),
  parseValue: (value) => parseDate(value),
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});
