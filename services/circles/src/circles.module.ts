// The circles subgraph: runtime, GraphQL federation module and resolvers.
import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { RuntimeModule, subgraphModule, type ServiceRuntime } from '@hc/service-kit';
import { CIRCLES_SETTINGS, type CirclesSettings } from './circles.config.js';
import { CircleResolver } from './circle/graphql/circle.resolver.js';
import { MeetingResolver } from './circle/graphql/meeting.resolver.js';
import { DepartmentResolver, EmployeeResolver } from './directory/graphql/directory.resolver.js';
import { CommandGateway } from './graphql/command-gateway.js';
import { KnowledgeBaseResolver } from './knowledge-base/graphql/knowledge-base.resolver.js';
import { RosterResolver } from './roster/graphql/roster.resolver.js';
import { SituationResolver } from './situations/graphql/situation.resolver.js';

export interface CirclesModuleOptions {
  /** Where the SDL is written; false in tests that must not touch the committed file. */
  schemaFile: string | false;
}

@Module({})
export class CirclesModule {
  static forRuntime(
    runtime: ServiceRuntime,
    settings: CirclesSettings,
    options: CirclesModuleOptions,
  ): DynamicModule {
    const { config } = runtime.options;
    return {
      module: CirclesModule,
      imports: [
        RuntimeModule.forRuntime(runtime),
        subgraphModule({
          schemaFile: options.schemaFile,
          identitySecret: config.identitySecret,
          production: config.production,
        }),
      ],
      providers: [
        { provide: CIRCLES_SETTINGS, useValue: settings },
        CommandGateway,
        DepartmentResolver,
        EmployeeResolver,
        SituationResolver,
        CircleResolver,
        RosterResolver,
        MeetingResolver,
        KnowledgeBaseResolver,
      ],
    };
  }
}

/** A root module class for `runService` and `NestFactory.create`, which take a class, not a dynamic module. */
export function circlesAppModule(
  runtime: ServiceRuntime,
  settings: CirclesSettings,
  options: CirclesModuleOptions,
): Type {
  @Module({ imports: [CirclesModule.forRuntime(runtime, settings, options)] })
  class CirclesAppModule {}
  return CirclesAppModule;
}
