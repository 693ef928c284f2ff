import { event } from '../domain.js';
import { decideAfter } from '../testing/decider-harness.js';
import { departmentDecider } from './department.decide.js';
import { employeeDecider, type EmployeeCommand } from './employee.decide.js';

describe('department decider', () => {
  const registered = event('DepartmentRegistered', { departmentId: 'd-1', name: 'Контакт-центр' });

  it('registers a new department, renames a known one, and ignores an unchanged import', () => {
    const upsert = (name: string) => ({ type: 'UpsertDepartment' as const, departmentId: 'd-1', name });
    expect(decideAfter(departmentDecider, [], upsert(' Контакт-центр '))).toEqual([registered]);
    expect(decideAfter(departmentDecider, [registered], upsert('Претензии'))).toEqual([
      event('DepartmentRenamed', { departmentId: 'd-1', name: 'Претензии' }),
    ]);
    expect(decideAfter(departmentDecider, [registered], upsert('Контакт-центр'))).toEqual([]);
  });

  it('refuses an empty name', () => {
    expect(
      decideAfter(departmentDecider, [], { type: 'UpsertDepartment', departmentId: 'd-1', name: ' ' }),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
  });
});

describe('employee decider', () => {
  const profile = { employeeId: 'e-1', fullName: 'Анна Иванова', departmentId: 'd-1', leaderEligible: false };
  const upsert: EmployeeCommand = { type: 'UpsertEmployee', departmentKnown: true, ...profile };
  const registered = event('EmployeeRegistered', profile);

  it('registers, updates on change, and ignores an unchanged import', () => {
    expect(decideAfter(employeeDecider, [], upsert)).toEqual([registered]);
    expect(decideAfter(employeeDecider, [registered], { ...upsert, leaderEligible: true })).toEqual([
      event('EmployeeUpdated', { ...profile, leaderEligible: true }),
    ]);
    expect(decideAfter(employeeDecider, [registered], upsert)).toEqual([]);
  });

  it('refuses an unknown department', () => {
    expect(decideAfter(employeeDecider, [], { ...upsert, departmentKnown: false })).toMatchObject({
      field: 'departmentId',
    });
  });

  it('deactivates and reactivates, keeping the history', () => {
    const deactivated = event('EmployeeDeactivated', { employeeId: 'e-1', departmentId: 'd-1' });
    expect(decideAfter(employeeDecider, [registered], { type: 'DeactivateEmployee' })).toEqual([deactivated]);
    expect(
      decideAfter(employeeDecider, [registered, deactivated], { type: 'DeactivateEmployee' }),
    ).toMatchObject({
      code: 'CONFLICT',
    });
    expect(decideAfter(employeeDecider, [registered, deactivated], { type: 'ReactivateEmployee' })).toEqual([
      event('EmployeeReactivated', { employeeId: 'e-1', departmentId: 'd-1' }),
    ]);
    expect(decideAfter(employeeDecider, [], { type: 'DeactivateEmployee' })).toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
