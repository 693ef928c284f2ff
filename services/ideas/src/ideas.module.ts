// The ideas subgraph: runtime, federation GraphQL and the resolvers.
import { Module, type Type } from '@nestjs/common';
import { RuntimeModule, subgraphModule, type ServiceRuntime } from '@hc/service-kit';
import { IdeasService } from './idea/ideas.service.js';
import { REVISIT_INTERVAL, RevisitTimer } from './idea/revisit.timer.js';
import { IdeasLifecycleResolver } from './idea/graphql/ideas.lifecycle.resolver.js';
import { IdeasParticipationResolver } from './idea/graphql/ideas.participation.resolver.js';
import { IdeasQueryResolver } from './idea/graphql/ideas.query.resolver.js';
import {
  CircleIdeasResolver,
  EmployeeIdeasResolver,
  IdeaLinksResolver,
  LeafletIdeasResolver,
} from './idea/graphql/references.resolver.js';

export interface IdeasModuleOptions {
  /** Where the SDL is written; false to write none. */
  schemaFile: string | false;
  /** How often deferred ideas due for review are returned to it; false for never. Default: hourly. */
  revisitEveryMs?: number | false;
}

export const IdeasModule = {
  /** The application module of one runtime (what `runService` and tests boot). */
  forRuntime(runtime: ServiceRuntime, options: IdeasModuleOptions): Type {
    const { config } = runtime.options;
    @Module({
      imports: [
        RuntimeModule.forRuntime(runtime),
        subgraphModule({
          schemaFile: options.schemaFile,
          identitySecret: config.identitySecret,
          production: config.production,
        }),
      ],
      providers: [
        IdeasService,
        RevisitTimer,
        { provide: REVISIT_INTERVAL, useValue: options.revisitEveryMs ?? 60 * 60 * 1000 },
        IdeasQueryResolver,
        IdeasParticipationResolver,
        IdeasLifecycleResolver,
        CircleIdeasResolver,
        LeafletIdeasResolver,
        EmployeeIdeasResolver,
        IdeaLinksResolver,
      ],
    })
    class IdeasAppModule {}
    return IdeasAppModule;
  },
};
