import { Directive, Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import type { SituationCategory } from '@hc/contracts';
import { SituationCategoryEnum, SituationStatusEnum } from '../../graphql/enums.js';

@ObjectType({ description: 'A real case for a circle: a customer complaint or an internal problem' })
@Directive('@key(fields: "id")')
export class Situation {
  @Field(() => ID) id!: string;
  @Field() title!: string;
  @Field({ description: 'Personal data (phones, e-mails, policy and card numbers) masked' })
  description!: string;
  @Field(() => SituationCategoryEnum) category!: SituationCategory;
  @Field({ description: 'employee or crm' }) source!: string;
  @Field(() => ID, { nullable: true, description: 'Null when anonymous or from the CRM' }) authorId!:
    string | null;
  @Field(() => ID, { nullable: true }) departmentId!: string | null;
  @Field(() => [ID], { description: 'The CRM complaints this situation stands for' }) complaintIds!: string[];
  @Field(() => SituationStatusEnum) status!: string;
  @Field(() => ID, { nullable: true, description: 'The situation this one was merged into' })
  mergedIntoId!: string | null;
  @Field() registeredAt!: Date;
}

@InputType()
export class RegisterSituationInput {
  @Field() title!: string;
  @Field() description!: string;
  @Field(() => SituationCategoryEnum) category!: SituationCategory;
  @Field({ defaultValue: false, description: 'Blame-free: the author is not recorded' }) anonymous!: boolean;
}
