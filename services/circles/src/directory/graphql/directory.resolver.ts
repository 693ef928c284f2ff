// Directory queries and the HR import mutations (coordinator/admin).
import { Inject } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver, ResolveReference } from '@nestjs/graphql';
import { circlesStreamId, MAX_ID_LENGTH } from '@hc/contracts';
import {
  CorrelationId,
  CurrentIdentity,
  SERVICE_RUNTIME,
  badInput,
  notFound,
  raise,
  type Identity,
  type ServiceRuntime,
} from '@hc/service-kit';
import { CommandGateway, type CallContext } from '../../graphql/command-gateway.js';
import { check, requireIdentity, requireRole } from '../../graphql/caller.js';
import { departmentDecider } from '../department.decide.js';
import { findDepartments, findEmployee, findEmployees } from '../directory.queries.js';
import { employeeDecider } from '../employee.decide.js';
import { Department, DepartmentInput, Employee, EmployeeInput } from './directory.model.js';

/** Bulk imports are bounded so that one call stays one reasonable transaction. */
const MAX_IMPORT = 1000;

function checkId(field: string, id: string) {
  check(
    id.trim() === '' || id.length > MAX_ID_LENGTH
      ? badInput(field, `must be 1..${MAX_ID_LENGTH} characters`)
      : null,
  );
}

function checkBatch(field: string, size: number) {
  check(size === 0 || size > MAX_IMPORT ? badInput(field, `must hold 1..${MAX_IMPORT} items`) : null);
}

@Resolver(() => Department)
export class DepartmentResolver {
  constructor(@Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime) {}

  @Query(() => [Department])
  async departments(@CurrentIdentity() identity: Identity | null): Promise<Department[]> {
    requireIdentity(identity);
    return findDepartments(this.runtime.pool);
  }

  @ResolveReference()
  async resolveReference(reference: { id: string }): Promise<Department | null> {
    return (await findDepartments(this.runtime.pool, [reference.id]))[0] ?? null;
  }
}

@Resolver(() => Employee)
export class EmployeeResolver {
  constructor(
    @Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly gateway: CommandGateway,
  ) {}

  @Query(() => Employee, { nullable: true })
  async employee(
    @Args('id', { type: () => ID }) id: string,
    @CurrentIdentity() identity: Identity | null,
  ): Promise<Employee | null> {
    requireIdentity(identity);
    return findEmployee(this.runtime.pool, id);
  }

  @Query(() => [Employee])
  async employees(
    @Args('departmentId', { type: () => ID, nullable: true }) departmentId: string | null,
    @CurrentIdentity() identity: Identity | null,
  ): Promise<Employee[]> {
    requireIdentity(identity);
    return findEmployees(this.runtime.pool, { departmentId });
  }

  @ResolveReference()
  async resolveReference(reference: { id: string }): Promise<Employee | null> {
    return findEmployee(this.runtime.pool, reference.id);
  }

  @Mutation(() => [Department], {
    description: 'HR import: registers new departments and renames known ones',
  })
  async upsertDepartments(
    @Args('input', { type: () => [DepartmentInput] }) input: DepartmentInput[],
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Department[]> {
    // AUTH
    const caller = requireRole(identity, 'coordinator');
    // VALIDATION
    checkBatch('input', input.length);
    input.forEach((department, index) => checkId(`input[${index}].id`, department.id));
    // RESOLUTION: all or nothing, in one transaction.
    const context: CallContext = { identity: caller, correlationId };
    const outcomes = await this.gateway.transaction(async (client) => {
      const done = [];
      for (const [index, department] of input.entries()) {
        done.push(
          await this.gateway.execute(
            client,
            departmentDecider,
            circlesStreamId.department(department.id),
            { type: 'UpsertDepartment', departmentId: department.id, name: department.name },
            context,
            `input[${index}]`,
          ),
        );
      }
      return done;
    });
    await this.gateway.settled(
      outcomes,
      input.map((department) => department.id),
    );
    return findDepartments(
      this.runtime.pool,
      input.map((department) => department.id),
    );
  }

  @Mutation(() => [Employee], { description: 'HR import: registers new employees and updates known ones' })
  async upsertEmployees(
    @Args('input', { type: () => [EmployeeInput] }) input: EmployeeInput[],
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Employee[]> {
    // AUTH
    const caller = requireRole(identity, 'coordinator');
    // VALIDATION
    checkBatch('input', input.length);
    input.forEach((employee, index) => checkId(`input[${index}].id`, employee.id));
    const known = new Set((await findDepartments(this.runtime.pool)).map((department) => department.id));
    // RESOLUTION
    const context: CallContext = { identity: caller, correlationId };
    const outcomes = await this.gateway.transaction(async (client) => {
      const done = [];
      for (const [index, employee] of input.entries()) {
        done.push(
          await this.gateway.execute(
            client,
            employeeDecider,
            circlesStreamId.employee(employee.id),
            {
              type: 'UpsertEmployee',
              employeeId: employee.id,
              fullName: employee.fullName,
              departmentId: employee.departmentId,
              leaderEligible: employee.leaderEligible,
              departmentKnown: known.has(employee.departmentId),
            },
            context,
            `input[${index}]`,
          ),
        );
      }
      return done;
    });
    await this.gateway.settled(
      outcomes,
      input.map((employee) => employee.id),
    );
    return findEmployees(this.runtime.pool, { ids: input.map((employee) => employee.id) });
  }

  @Mutation(() => Employee)
  async deactivateEmployee(
    @Args('id', { type: () => ID }) id: string,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Employee> {
    return this.changeActivity(id, 'DeactivateEmployee', identity, correlationId);
  }

  @Mutation(() => Employee)
  async reactivateEmployee(
    @Args('id', { type: () => ID }) id: string,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Employee> {
    return this.changeActivity(id, 'ReactivateEmployee', identity, correlationId);
  }

  private async changeActivity(
    id: string,
    type: 'DeactivateEmployee' | 'ReactivateEmployee',
    identity: Identity | null,
    correlationId: string,
  ): Promise<Employee> {
    const caller = requireRole(identity, 'coordinator');
    const outcome = await this.gateway.transaction((client) =>
      this.gateway.execute(
        client,
        employeeDecider,
        circlesStreamId.employee(id),
        { type },
        {
          identity: caller,
          correlationId,
        },
      ),
    );
    await this.gateway.settled([outcome], [id]);
    return (await findEmployee(this.runtime.pool, id)) ?? raise(notFound('No such employee'));
  }
}
