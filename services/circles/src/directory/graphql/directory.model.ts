import { Directive, Field, ID, InputType, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A department of the contact centre (id chosen by HR)' })
@Directive('@key(fields: "id")')
export class Department {
  @Field(() => ID) id!: string;
  @Field() name!: string;
}

@ObjectType({ description: 'An employee (id chosen by HR; the JWT subject)' })
@Directive('@key(fields: "id")')
export class Employee {
  @Field(() => ID) id!: string;
  @Field() fullName!: string;
  @Field(() => ID) departmentId!: string;
  @Field() leaderEligible!: boolean;
  @Field({ description: 'False once deactivated; the history stays' }) active!: boolean;
}

@InputType()
export class DepartmentInput {
  @Field(() => ID) id!: string;
  @Field() name!: string;
}

@InputType()
export class EmployeeInput {
  @Field(() => ID) id!: string;
  @Field() fullName!: string;
  @Field(() => ID) departmentId!: string;
  @Field({ defaultValue: false }) leaderEligible!: boolean;
}
