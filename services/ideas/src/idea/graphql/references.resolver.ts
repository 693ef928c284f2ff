// Entities owned elsewhere (circles owns Circle, Leaflet, Employee) that this subgraph extends with their ideas.
import {
  Directive,
  Field,
  ID,
  ObjectType,
  Parent,
  ResolveField,
  ResolveReference,
  Resolver,
} from '@nestjs/graphql';
import type { IdeaListFilter } from '../../projections/ideas.read-model.js';
import { toIdea } from '../idea.mapping.js';
import { IdeasService } from '../ideas.service.js';
import { Idea, MAX_PAGE_SIZE } from './idea.model.js';

@ObjectType()
@Directive('@key(fields: "id")')
export class Circle {
  @Field(() => ID) id!: string;
}

@ObjectType()
@Directive('@key(fields: "id")')
export class Leaflet {
  @Field(() => ID) id!: string;
}

@ObjectType()
@Directive('@key(fields: "id")')
export class Employee {
  @Field(() => ID) id!: string;
}

async function ideasWhere(ideas: IdeasService, filter: IdeaListFilter): Promise<Idea[]> {
  const today = ideas.today(null);
  const rows = await ideas.readModel.list(filter, today, MAX_PAGE_SIZE, null);
  return rows.slice(0, MAX_PAGE_SIZE).map((row) => toIdea(row, today));
}

@Resolver(() => Circle)
export class CircleIdeasResolver {
  constructor(private readonly service: IdeasService) {}

  @ResolveReference()
  resolveReference(reference: { id: string }): Circle {
    return { id: reference.id };
  }

  @ResolveField(() => [Idea], { description: 'Ideas that came from this circle (newest 100).' })
  ideas(@Parent() circle: Circle): Promise<Idea[]> {
    return ideasWhere(this.service, { circleId: circle.id });
  }
}

@Resolver(() => Leaflet)
export class LeafletIdeasResolver {
  constructor(private readonly service: IdeasService) {}

  @ResolveReference()
  resolveReference(reference: { id: string }): Leaflet {
    return { id: reference.id };
  }

  @ResolveField(() => [Idea], { description: 'Ideas taken in from this leaflet’s additional questions.' })
  ideas(@Parent() leaflet: Leaflet): Promise<Idea[]> {
    return ideasWhere(this.service, { leafletId: leaflet.id });
  }
}

@Resolver(() => Employee)
export class EmployeeIdeasResolver {
  constructor(private readonly service: IdeasService) {}

  @ResolveReference()
  resolveReference(reference: { id: string }): Employee {
    return { id: reference.id };
  }

  @ResolveField(() => [Idea], { description: 'Ideas this employee proposed (newest 100).' })
  ideas(@Parent() employee: Employee): Promise<Idea[]> {
    return ideasWhere(this.service, { proposedBy: employee.id });
  }
}

/** Links from an idea to the entities other subgraphs own; they make those types part of this schema too. */
@Resolver(() => Idea)
export class IdeaLinksResolver {
  @ResolveField(() => Circle, { nullable: true, description: 'The circle the idea came from.' })
  circle(@Parent() idea: Idea): Circle | null {
    return idea.origin.circleId === null ? null : { id: idea.origin.circleId };
  }

  @ResolveField(() => Leaflet, {
    nullable: true,
    description: 'The leaflet whose additional question it was.',
  })
  leaflet(@Parent() idea: Idea): Leaflet | null {
    return idea.origin.leafletId === null ? null : { id: idea.origin.leafletId };
  }

  @ResolveField(() => Employee)
  proposer(@Parent() idea: Idea): Employee {
    return { id: idea.proposedBy };
  }

  @ResolveField(() => Employee, { nullable: true })
  owner(@Parent() idea: Idea): Employee | null {
    return idea.ownerId === null ? null : { id: idea.ownerId };
  }
}
