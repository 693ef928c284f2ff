// The metrics subgraph: figure queries, the CSV export and the runtime's health endpoints.
import { Module, type Type } from '@nestjs/common';
import { RuntimeModule, subgraphModule } from '@hc/service-kit';
import { SeriesCsvController } from './export/series-csv.controller.js';
import { MetricsResolver } from './graphql/metrics.resolver.js';
import { METRICS_RUNTIME, type MetricsRuntime } from './metrics.runtime.js';

export interface MetricsModuleOptions {
  /** Where the SDL is written; false to write none (tests). */
  schemaFile: string | false;
}

export const MetricsModule = {
  /** The application module of one runtime (what `runService` and tests boot). */
  forRuntime(metrics: MetricsRuntime, options: MetricsModuleOptions): Type {
    @Module({
      imports: [
        RuntimeModule.forRuntime(metrics.runtime),
        subgraphModule({
          schemaFile: options.schemaFile,
          identitySecret: metrics.config.identitySecret,
          production: metrics.config.production,
        }),
      ],
      controllers: [SeriesCsvController],
      providers: [{ provide: METRICS_RUNTIME, useValue: metrics }, MetricsResolver],
    })
    class MetricsAppModule {}
    return MetricsAppModule;
  },
};
