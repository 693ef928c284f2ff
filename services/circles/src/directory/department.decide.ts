// The department aggregate (stream `department-<id>`): registered once, renamed by later HR imports.
import { CIRCLES_TEXT_LIMITS, textProblem } from '@hc/contracts';
import { badInput, type Decider, type DomainError } from '@hc/service-kit';
import { assertNever, event, type CirclesEvent } from '../domain.js';

export type DepartmentEvent = CirclesEvent<'DepartmentRegistered' | 'DepartmentRenamed'>;

export type DepartmentState = { exists: false } | { exists: true; departmentId: string; name: string };

export interface UpsertDepartment {
  type: 'UpsertDepartment';
  departmentId: string;
  name: string;
}

export type DepartmentCommand = UpsertDepartment;

export function validateName(field: string, name: string): DomainError | null {
  const problem = textProblem(name, CIRCLES_TEXT_LIMITS.name);
  return problem === null ? null : badInput(field, problem);
}

export const departmentDecider: Decider<DepartmentCommand, DepartmentEvent, DepartmentState> = {
  initialState: () => ({ exists: false }),
  evolve: (_state, { type, data }) => {
    switch (type) {
      case 'DepartmentRegistered':
      case 'DepartmentRenamed':
        return { exists: true, departmentId: data.departmentId, name: data.name };
      default:
        return assertNever(type);
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'UpsertDepartment': {
        const invalid = validateName('name', command.name);
        if (invalid) return invalid;
        const data = { departmentId: command.departmentId, name: command.name.trim() };
        if (!state.exists) return [event('DepartmentRegistered', data)];
        return state.name === data.name ? [] : [event('DepartmentRenamed', data)];
      }
      default:
        return assertNever(command.type);
    }
  },
};
