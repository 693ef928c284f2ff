// The employee aggregate (stream `employee-<HR id>`): HR import upserts it; deactivation keeps its history.
import { badInput, conflict, notFound, type Decider } from '@hc/service-kit';
import { assertNever, event, type CirclesEvent } from '../domain.js';
import { validateName } from './department.decide.js';

export type EmployeeEvent = CirclesEvent<
  'EmployeeRegistered' | 'EmployeeUpdated' | 'EmployeeDeactivated' | 'EmployeeReactivated'
>;

export interface EmployeeProfile {
  employeeId: string;
  fullName: string;
  departmentId: string;
  leaderEligible: boolean;
}

export type EmployeeState = { exists: false } | ({ exists: true; active: boolean } & EmployeeProfile);

export type EmployeeCommand =
  | ({ type: 'UpsertEmployee'; departmentKnown: boolean } & EmployeeProfile)
  | { type: 'DeactivateEmployee' }
  | { type: 'ReactivateEmployee' };

export const employeeDecider: Decider<EmployeeCommand, EmployeeEvent, EmployeeState> = {
  initialState: () => ({ exists: false }),
  evolve: (state, { type, data }) => {
    switch (type) {
      case 'EmployeeRegistered':
        return { exists: true, active: true, ...data };
      case 'EmployeeUpdated':
        return { exists: true, active: state.exists ? state.active : true, ...data };
      case 'EmployeeDeactivated':
        return state.exists ? { ...state, active: false } : state;
      case 'EmployeeReactivated':
        return state.exists ? { ...state, active: true } : state;
      default:
        return assertNever(type);
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'UpsertEmployee': {
        const invalid = validateName('fullName', command.fullName);
        if (invalid) return invalid;
        if (!command.departmentKnown) return badInput('departmentId', 'is not a known department');
        const profile: EmployeeProfile = {
          employeeId: command.employeeId,
          fullName: command.fullName.trim(),
          departmentId: command.departmentId,
          leaderEligible: command.leaderEligible,
        };
        if (!state.exists) return [event('EmployeeRegistered', profile)];
        const unchanged =
          state.fullName === profile.fullName &&
          state.departmentId === profile.departmentId &&
          state.leaderEligible === profile.leaderEligible;
        return unchanged ? [] : [event('EmployeeUpdated', profile)];
      }
      case 'DeactivateEmployee':
        if (!state.exists) return notFound('No such employee');
        if (!state.active) return conflict('The employee is already deactivated');
        return [
          event('EmployeeDeactivated', { employeeId: state.employeeId, departmentId: state.departmentId }),
        ];
      case 'ReactivateEmployee':
        if (!state.exists) return notFound('No such employee');
        if (state.active) return conflict('The employee is already active');
        return [
          event('EmployeeReactivated', { employeeId: state.employeeId, departmentId: state.departmentId }),
        ];
      default:
        return assertNever(command);
    }
  },
};
